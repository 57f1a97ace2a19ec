import { z } from 'zod';
import { isValidTimeZone } from '../time-zones.js';
import { VENDORS, VENDOR_PROFILES, apiSecretRequired, apiUsernameUsed } from '../vendors.js';

/*
 * Every `message` below is an i18n catalogue key: the renderer shows it next to the field it names,
 * main sends it back inside VALIDATION details. One schema, both sides.
 */

export const DEFAULT_AMI_CONTEXT = 'from-internal';

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Text that travels into AMI headers or HTTP auth: CR/LF there would inject headers. */
const singleLine = (max: number) =>
  z
    .string({ error: 'validation.required' })
    .max(max, { message: 'validation.tooLong' })
    .refine((value) => !CONTROL_CHARS.test(value), { message: 'validation.controlCharacters' });

export const siteIdSchema = z
  .string({ error: 'validation.required' })
  .regex(/^[a-z0-9-]{1,64}$/, { message: 'validation.invalidId' });

export const fingerprintSchema = z
  .string()
  .regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, { message: 'validation.fingerprint' });

// The URL parser silently drops tabs and line breaks; refuse them instead of storing them.
const baseUrlSchema = singleLine(2048)
  .trim()
  // abort: an empty field is "required", not also "not a URL".
  .min(1, { message: 'validation.required', abort: true })
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0 && !url.username && !url.password;
      } catch {
        return false;
      }
    },
    { message: 'validation.baseUrl' },
  );

/** A host name or an IP literal, nothing that could carry a path or a port. */
const hostSchema = singleLine(253)
  .trim()
  .min(1, { message: 'validation.required', abort: true })
  .regex(/^(\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:]+:[0-9a-fA-F:.]*|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/, {
    message: 'validation.host',
  });

/**
 * A secret as the renderer sends it: a new value, or absent to keep the stored one. It is never sent
 * the other way.
 */
const secretInput = singleLine(512).min(1, { message: 'validation.required' }).optional();

export const apiSettingsInputSchema = z.object({
  baseUrl: baseUrlSchema,
  username: singleLine(256).trim(),
  secret: secretInput,
});

export const amiSettingsInputSchema = z.object({
  host: hostSchema,
  port: z
    .number({ error: 'validation.port' })
    .int({ message: 'validation.port' })
    .min(1, { message: 'validation.port' })
    .max(65535, { message: 'validation.port' }),
  username: singleLine(128).trim().min(1, { message: 'validation.required' }),
  secret: secretInput,
  /** Where transfers and click-to-dial enter the dialplan; FreePBX-family PBXs use from-internal. */
  context: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,80}$/, { message: 'validation.context' })
    .default(DEFAULT_AMI_CONTEXT),
});

export const tlsTrustSchema = z.object({
  /** SHA-256 of the one self-signed certificate this site may present; null = normal CA trust only. */
  pinnedFingerprint256: fingerprintSchema.nullable(),
});

export const siteInputSchema = z
  .object({
    name: singleLine(80).trim().min(1, { message: 'validation.required' }),
    vendor: z.enum(VENDORS, { error: 'validation.vendor' }),
    timeZone: z.string({ error: 'validation.required' }).refine(isValidTimeZone, { message: 'validation.timeZone' }),
    api: apiSettingsInputSchema.nullable(),
    ami: amiSettingsInputSchema.nullable(),
    tls: tlsTrustSchema,
  })
  .strict()
  .superRefine((site, ctx) => {
    const profile = VENDOR_PROFILES[site.vendor];
    if (profile.hasApi && site.api === null) {
      ctx.addIssue({ code: 'custom', path: ['api'], message: 'validation.apiRequired' });
    }
    if (!profile.hasApi && site.api !== null) {
      ctx.addIssue({ code: 'custom', path: ['api'], message: 'validation.apiNotAvailable' });
    }
    if (profile.requiresAmi && site.ami === null) {
      ctx.addIssue({ code: 'custom', path: ['ami'], message: 'validation.amiRequired' });
    }
    if (site.api && apiUsernameUsed(site.vendor) && apiSecretRequired(site.vendor) && site.api.username.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['api', 'username'], message: 'validation.required' });
    }
  });

export type SiteInput = z.infer<typeof siteInputSchema>;

export const siteUpdateSchema = z.object({ id: siteIdSchema, site: siteInputSchema }).strict();

export const siteRefSchema = z.object({ id: siteIdSchema }).strict();

/** A test runs on the form as it stands (saved or not); `siteId` lets it reuse stored secrets. */
export const siteTestSchema = z.object({ siteId: siteIdSchema.optional(), site: siteInputSchema }).strict();
