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
  @ApiFileResponse('application/vc+jwt', 'The signed BitstringStatusListCredential; its validUntil is STATUS_LIST_TTL after signing, and Cache-Control never outlives it.')
  @Get(':list')
  async list(@Param('list', new ZodValidationPipe(z.coerce.number().int().min(1).max(1_000_000), 'path.list')) list: number, @Res() res: Response) {
    const { jws, validUntil } = await this.lists.statusListCredential(list);
    res.setHeader('Cache-Control', `public, max-age=${Math.max(0, Math.floor((validUntil.getTime() - Date.now()) / 1000))}`);
    res.type('application/vc+jwt').send(jws);
  }
}
