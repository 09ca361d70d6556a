export const FORGOT_PASSWORD_TAG = 'Seed 000: forgot-password (FastAPI-shaped)';
