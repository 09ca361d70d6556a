import { Module } from '@nestjs/common';
import { ResetModule } from '../../reset/reset.module.js';
import { TokenLinkController } from './token-link.controller.js';
import { TokenLinkErrorPresenter } from './token-link.presenter.js';

@Module({ imports: [ResetModule], controllers: [TokenLinkController], providers: [TokenLinkErrorPresenter] })
export class TokenLinkModule {}
