import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module.js';
import { UserEmail } from './user-email.entity.js';
import { User } from './user.entity.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([User, UserEmail]), EventsModule],
  providers: [UsersService],
  exports: [UsersService],
})
export class UsersModule {}
