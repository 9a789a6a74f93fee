import { Access } from '../auth/access';
import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { ApiCredentialResponse, negotiateCredentialType } from '../certificates/credential-response';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { StatusListsService } from './status-lists.service';

@ApiTags('keys')
@Access.public()
@Controller('status')
export class StatusListsController {
  constructor(private readonly lists: StatusListsService) {}

  /** The signed BitstringStatusListCredential (compact JWS) every credential's status points to. */
  @ApiCredentialResponse('The signed BitstringStatusListCredential; its validUntil is STATUS_LIST_TTL after signing, and Cache-Control never outlives it.')
  @Get(':list')
  async list(
    @Param('list', new ZodValidationPipe(z.coerce.number().int().min(1).max(1_000_000), 'path.list')) list: number,
    @Headers('accept') accept: string | undefined,
    @Res() res: Response,
  ) {
    const { jws, validUntil } = await this.lists.statusListCredential(list);
    const mediaType = negotiateCredentialType(res, jws, accept);
    res.setHeader('Cache-Control', `public, max-age=${Math.max(0, Math.floor((validUntil.getTime() - Date.now()) / 1000))}`);
    res.type(mediaType).send(jws);
  }
}
