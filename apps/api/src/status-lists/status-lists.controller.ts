import { ApiFileResponse } from '../common/openapi';
import { Access } from '../auth/access';
import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { StatusListsService } from './status-lists.service';

@ApiTags('keys')
@Access.public()
@Controller('status')
export class StatusListsController {
  constructor(private readonly lists: StatusListsService) {}

  /** The signed BitstringStatusListCredential (compact JWS) every credential's status points to. */
  @ApiFileResponse('application/vc+jwt', 'The signed BitstringStatusListCredential.')
  @Get(':list')
  async list(@Param('list', new ZodValidationPipe(z.coerce.number().int().min(1).max(1_000_000), 'path.list')) list: number, @Res() res: Response) {
    const jws = await this.lists.statusListCredential(list);
    res.setHeader('Cache-Control', `public, max-age=${this.lists.ttlSeconds}`);
    res.type('application/vc+jwt').send(jws);
  }
}
