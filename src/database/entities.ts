import { RefreshToken } from '../sessions/refresh-token.entity.js';
import { Session } from '../sessions/session.entity.js';
import { User } from '../users/user.entity.js';
import { UserEmail } from '../users/user-email.entity.js';

export const ENTITIES = [User, UserEmail, Session, RefreshToken];
