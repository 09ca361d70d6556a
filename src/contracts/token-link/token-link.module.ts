import { Module, OnModuleInit } from '@nestjs/common';
import { ErrorPresenters } from '../../common/error-presenters.js';
import { TokenLinkController } from './token-link.controller.js';
import { tokenLinkPresenter } from './token-link.errors.js';

@Module({ controllers: [TokenLinkController] })
export class TokenLinkModule implements OnModuleInit {
  constructor(private readonly presenters: ErrorPresenters) {}

  onModuleInit(): void {
    this.presenters.register(['/api/auth/password'], tokenLinkPresenter);
  }
}
