import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ErrorPresenters } from './error-presenters.js';

/** The error presenters of the contracts, found on their controllers (see PresentErrors). */
@Module({ imports: [DiscoveryModule], providers: [ErrorPresenters], exports: [ErrorPresenters] })
export class CommonModule {}
