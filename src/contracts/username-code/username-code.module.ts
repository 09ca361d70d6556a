import { Module } from '@nestjs/common';
import { ResetModule } from '../../reset/reset.module.js';
import { UsernameCodeController } from './username-code.controller.js';
import { UsernameCodeErrorPresenter } from './username-code.presenter.js';

@Module({ imports: [ResetModule], controllers: [UsernameCodeController], providers: [UsernameCodeErrorPresenter] })
export class UsernameCodeModule {}
