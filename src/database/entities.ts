import { User } from '../users/user.entity.js';
import { UserEmail } from '../users/user-email.entity.js';

export const ENTITIES = [User, UserEmail];
