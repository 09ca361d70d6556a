import { Module, OnModuleInit } from '@nestjs/common';
import { ErrorPresenters } from '../../common/error-presenters.js';
import { UsernameCodeController } from './username-code.controller.js';
import { usernameCodePresenter } from './username-code.errors.js';

@Module({ controllers: [UsernameCodeController] })
export class UsernameCodeModule implements OnModuleInit {
  constructor(private readonly presenters: ErrorPresenters) {}

  onModuleInit(): void {
    this.presenters.register(['/api/auth/forgotPassword'], usernameCodePresenter);
  }
}
