import type { FieldIssue } from '../../src-shared/errors.js';
import { t, tKey, type MessageKey } from '../i18n/index.js';

/** The first message for each path, as the fields show them. */
export function messagesByPath(issues: readonly FieldIssue[]): Record<string, string> {
  const byPath: Record<string, string> = {};
  for (const issue of issues) byPath[issue.path] ??= issue.message;
  return byPath;
}

/** The issues no field on screen shows: about the whole input (path ''), the TLS trust, or a hidden section. */
export function unplacedIssues(issues: readonly FieldIssue[], shown: ReadonlySet<string>): FieldIssue[] {
  return issues.filter((issue) => !shown.has(issue.path));
}

const SECTIONS: Record<string, MessageKey> = { tls: 'form.tlsSection', api: 'form.apiSection', ami: 'form.amiSection' };

/** An unplaced issue as a sentence, led by the part of the form it is about. */
export function issueText(issue: FieldIssue): string {
  const message = tKey(issue.message, 'validation.invalid');
  if (issue.path === '') return message;
  const section = SECTIONS[issue.path.split('.')[0]];
  return t('form.issueAt', { field: section ? t(section) : issue.path, message });
}
