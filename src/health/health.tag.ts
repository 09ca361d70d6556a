import type { TagObject } from '@nestjs/swagger';

export const OPERATIONS_TAG = 'operations';

export const OPERATIONS_TAG_OBJECT: TagObject = {
  name: OPERATIONS_TAG,
  description:
    'For the orchestrator and load balancers: liveness (the process answers) and readiness (the database answers and the instance is not shutting down). Not rate limited.',
};
