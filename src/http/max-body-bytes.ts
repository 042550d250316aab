/** Largest request body accepted (images and long histories included). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
