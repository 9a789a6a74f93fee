import { ApiZodResponse } from '../common/openapi';
import * as R from '../common/response-schemas';
import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access';
import { CurrentPrincipal } from '../auth/current-principal';
import type { Principal } from '../auth/principal';
import { PeopleService } from './people.service';

@ApiTags('session')
@Controller('me')
export class MeController {
  constructor(private readonly people: PeopleService) {}

  /** Who the token says you are, and your courses: a learner's course cards with download links, or the courses staff run. */
  @Access.signedIn()
  @ApiZodResponse(200, R.meResponse, 'The signed-in person and their courses.')
  @Get()
  me(@CurrentPrincipal() principal: Principal) {
    return this.people.me(principal);
  }
}
