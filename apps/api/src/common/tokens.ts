/** Injection tokens for the service's shared resources. */
export const CONFIG = Symbol('CONFIG');
export const DATABASE = Symbol('DATABASE');
export const TEMPORAL_CLIENT = Symbol('TEMPORAL_CLIENT');
export const KEY_SET = Symbol('KEY_SET');
export const AUTHENTICATOR = Symbol('AUTHENTICATOR');
