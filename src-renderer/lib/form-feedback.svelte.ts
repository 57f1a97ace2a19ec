import { tick } from 'svelte';
import type { z } from 'zod';
import type { FieldIssue } from '../../src-shared/errors.js';
import { t } from '../i18n/index.js';
import { RequestError } from './api.js';
import { errorText } from './error-text.js';
import { messagesByPath, unplacedIssues } from './form-issues.js';

export interface FormFeedbackOptions {
  /** The field paths the form shows right now; issues at any other path are listed in the summary. */
  shown: () => ReadonlySet<string>;
  /** The form, searched for the first field in error. */
  form: () => HTMLElement;
  /** Takes the focus when no field on screen shows the problem. */
  summary: () => { focus(): void };
}

/**
 * What a settings form tells about its problems, the same way in every form: each field issue
 * beside its field, the others and a failed request in the summary, and the focus on the first
 * problem so a keyboard or screen-reader user lands on it. Issues come from the shared schema
 * before sending, so the messages are the ones main would send, or from main when it refuses.
 */
export class FormFeedback {
  readonly #options: FormFeedbackOptions;
  issues = $state<FieldIssue[]>([]);
  /** A failed request that is not about fields (the PBX, the network, storage). */
  requestError = $state<string | null>(null);
  /** The first message for each field path, for the fields to show. */
  readonly errors = $derived(messagesByPath(this.issues));
  /** The issues no field on screen shows. */
  readonly otherIssues = $derived.by(() => unplacedIssues(this.issues, this.#options.shown()));
  readonly summaryText = $derived.by(() => {
    if (this.issues.length === 0) return this.requestError;
    return this.otherIssues.length === this.issues.length ? t('form.errorsListed') : t('form.errorsSummary');
  });

  constructor(options: FormFeedbackOptions) {
    this.#options = options;
  }

  /** Replaces the issues (none clears them) and any request error. */
  show(next: FieldIssue[]): void {
    this.issues = next;
    this.requestError = null;
    if (next.length > 0) {
      // The first field in error, or the summary when no field on screen shows the problem.
      void tick().then(() => {
        const field = this.#options.form().querySelector<HTMLElement>('[aria-invalid="true"]');
        if (field) field.focus();
        else this.#options.summary().focus();
      });
    }
  }

  /** What the shared schema found in the input (nothing when it passed). */
  showParsed(result: z.ZodSafeParseResult<unknown>): void {
    this.show(result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })));
  }

  /** A failed request: field issues from main go to the fields, anything else to the summary. */
  showRequestError(err: unknown): void {
    if (err instanceof RequestError && err.code === 'VALIDATION' && err.details?.issues?.length) {
      this.show(err.details.issues);
    } else {
      this.requestError = errorText(err);
    }
  }
}
