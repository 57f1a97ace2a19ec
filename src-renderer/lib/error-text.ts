import { t } from '../i18n/index.js';
import { RequestError } from './api.js';

/** The catalogue text a person can act on for a failed request. */
export function errorText(err: unknown): string {
  return err instanceof RequestError ? t(`error.${err.code}`) : t('error.INTERNAL');
}
