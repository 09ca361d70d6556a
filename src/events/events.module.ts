import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountEvent } from './account-event.entity.js';
import { AccountEvents } from './account-events.js';
import { EventDeliveries } from './event-deliveries.js';
import { EventDelivery } from './event-delivery.entity.js';
import { EventDeliveryWorker } from './event-delivery.worker.js';
import { NatsPublisher } from './nats-publisher.js';
import { ResetAccountEventsListener } from './reset-account-events.listener.js';
import { WebhookSender } from './webhook-sender.js';

/**
 * Account events for other services: recorded with the change (AccountEvents.record), delivered
 * to NATS JetStream and signed webhooks by the worker.
 */
@Module({
  imports: [TypeOrmModule.forFeature([AccountEvent, EventDelivery])],
  providers: [AccountEvents, EventDeliveries, EventDeliveryWorker, NatsPublisher, WebhookSender, ResetAccountEventsListener],
  exports: [AccountEvents, EventDeliveries],
})
export class EventsModule {}
