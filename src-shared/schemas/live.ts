import { z } from 'zod';
import { siteIdSchema } from './site.js';

/*
 * Inputs of live call control. Everything here ends up in AMI headers (or ESL commands), so each
 * field is held to the narrowest shape that real values take: no spaces, no line breaks.
 */

/** What a person dials: digits, *, # and a leading +. */
export const dialNumberSchema = z
  .string({ error: 'validation.required' })
  .trim()
  .regex(/^\+?[0-9*#]{1,32}$/, { message: 'validation.dialNumber' });

/** A channel name as the PBX reports it, e.g. `PJSIP/101-00000003` or `Local/600@rg-00000001;1`. */
export const channelSchema = z
  .string({ error: 'validation.required' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9/@;._:+#*-]{0,127}$/, { message: 'validation.channel' });

const onSite = { siteId: siteIdSchema };

export const hangupSchema = z.object({ ...onSite, channel: channelSchema }).strict();

export const transferSchema = z
  .object({ ...onSite, channel: channelSchema, to: dialNumberSchema, mode: z.enum(['blind', 'attended']) })
  .strict();

export const originateSchema = z.object({ ...onSite, from: dialNumberSchema, to: dialNumberSchema }).strict();

export const parkSchema = z.object({ ...onSite, channel: channelSchema }).strict();

/** Take a ringing call: `extension` is the phone that picks it up. */
export const pickupSchema = z.object({ ...onSite, channel: channelSchema, extension: dialNumberSchema }).strict();

export const spySchema = z
  .object({ ...onSite, channel: channelSchema, extension: dialNumberSchema, mode: z.enum(['listen', 'whisper', 'barge']) })
  .strict();

export const recordSchema = z.object({ ...onSite, channel: channelSchema, on: z.boolean() }).strict();

export const dndSchema = z.object({ ...onSite, extension: dialNumberSchema, on: z.boolean() }).strict();

export const forwardSchema = z
  .object({
    ...onSite,
    extension: dialNumberSchema,
    kind: z.enum(['always', 'busy', 'noAnswer']),
    /** null clears the forward. */
    to: dialNumberSchema.nullable(),
  })
  .strict();

export const roleSchema = z.enum(['receptionist', 'supervisor']);

export const preferencesSchema = z
  .object({
    role: roleSchema,
    desktopNotifications: z.boolean(),
    /** The operator's own extension per site: where click-to-dial rings first, whose calls notify. */
    operatorExtensions: z.record(siteIdSchema, dialNumberSchema),
  })
  .strict();

export type Preferences = z.infer<typeof preferencesSchema>;
export type Role = z.infer<typeof roleSchema>;
