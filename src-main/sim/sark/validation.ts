import type { Generation, PhpArray, PhpValue } from './laravel.js';

/*
 * Laravel's Validator as SARK's controllers use it: `Validator::make($request->all(), $rules)` and, on
 * failure, `response()->json($validator->errors(), 422)`, i.e. the bare field → messages map. Only the
 * rules SARK writes are here, with the framework's semantics a client can trip over: a rule other than
 * `required` is skipped when the field is absent, runs on an explicit null unless the field is
 * `nullable` (so `{"cfim": null}` fails `regex`), `integer` is PHP's FILTER_VALIDATE_INT (no leading
 * zero: `07700900123` is not an integer), `numeric` is PHP's is_numeric (a leading `+` is fine).
 * Messages are each generation's stock English texts (Laravel 10 reworded most of them).
 */

const MESSAGES: Record<Generation, Record<string, string>> = {
  L7: {
    required: 'The :attribute field is required.',
    in: 'The selected :attribute is invalid.',
    exists: 'The selected :attribute is invalid.',
    integer: 'The :attribute must be an integer.',
    numeric: 'The :attribute must be a number.',
    string: 'The :attribute must be a string.',
    email: 'The :attribute must be a valid email address.',
    regex: 'The :attribute format is invalid.',
    alpha: 'The :attribute may only contain letters.',
    alpha_dash: 'The :attribute may only contain letters, numbers, dashes and underscores.',
    boolean: 'The :attribute field must be true or false.',
  },
  L11: {
    required: 'The :attribute field is required.',
    in: 'The selected :attribute is invalid.',
    exists: 'The selected :attribute is invalid.',
    integer: 'The :attribute field must be an integer.',
    numeric: 'The :attribute field must be a number.',
    string: 'The :attribute field must be a string.',
    email: 'The :attribute field must be a valid email address.',
    regex: 'The :attribute field format is invalid.',
    alpha: 'The :attribute field must only contain letters.',
    alpha_dash: 'The :attribute field must only contain letters, numbers, dashes, and underscores.',
    boolean: 'The :attribute field must be true or false.',
  },
};

/** Ordered rules per attribute, each `name` or `name:parameters` (a regex keeps its PHP delimiters). */
export type Rules = ReadonlyArray<readonly [attribute: string, rules: readonly string[]]>;

export interface ValidationContext {
  generation: Generation;
  /** `exists:table,column`: whether the value is a key of that table. */
  exists?: (table: string, column: string | undefined, value: PhpValue) => boolean;
}

/** Illuminate's MessageBag: keys in the order they first failed, messages in the order added. */
export class MessageBag {
  private readonly map = new Map<string, string[]>();

  add(key: string, message: string): void {
    const list = this.map.get(key);
    if (list) list.push(message);
    else this.map.set(key, [message]);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  get isEmpty(): boolean {
    return this.map.size === 0;
  }

  all(): string[] {
    return [...this.map.values()].flat();
  }

  toJSON(): Record<string, string[]> {
    return Object.fromEntries(this.map);
  }
}

/** (string) $value in PHP. */
export function phpString(value: PhpValue): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? '1' : '';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  return 'Array';
}

/** PHP 7's is_numeric: optional leading whitespace and sign, decimal or exponent notation, nothing else. */
export function phpIsNumeric(value: PhpValue): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'string') return false;
  return /^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(value);
}

const INT64_MAX = 9223372036854775807n;

/** filter_var($value, FILTER_VALIDATE_INT) !== false */
export function phpIsInteger(value: PhpValue): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isInteger(value);
  if (typeof value !== 'string') return false;
  const text = value.trim();
  if (!/^[+-]?(0|[1-9]\d*)$/.test(text)) return false;
  const big = BigInt(text.replace(/^\+/, ''));
  return big <= INT64_MAX && big >= -INT64_MAX - 1n;
}

function isEmptyValue(value: PhpValue | undefined): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

/** A PHP regex literal (`/^\d+$/i`) as a JavaScript RegExp. */
function phpRegex(literal: string): RegExp {
  const delimiter = literal[0]!;
  const end = literal.lastIndexOf(delimiter);
  const flags = literal.slice(end + 1).replace(/[^imsu]/g, '');
  return new RegExp(literal.slice(1, end), flags);
}

const EMAIL = /^[^\s@"(),:;<>[\]\\]+@[^\s@"(),:;<>[\]\\]+$/;

function passes(name: string, parameter: string, value: PhpValue, context: ValidationContext): boolean {
  switch (name) {
    case 'required':
      return !isEmptyValue(value);
    case 'in':
      return (typeof value !== 'object' || value === null) && parameter.split(',').includes(phpString(value));
    case 'integer':
      return phpIsInteger(value);
    case 'numeric':
      return phpIsNumeric(value);
    case 'string':
      return typeof value === 'string';
    case 'email':
      return typeof value === 'string' && EMAIL.test(value);
    case 'regex':
      return (typeof value === 'string' || phpIsNumeric(value)) && phpRegex(parameter).test(phpString(value));
    case 'alpha':
      return typeof value === 'string' && /^[\p{L}\p{M}]+$/u.test(value);
    case 'alpha_dash':
      return (typeof value === 'string' || phpIsNumeric(value)) && /^[\p{L}\p{M}\p{N}_-]+$/u.test(phpString(value));
    case 'boolean':
      return value === true || value === false || value === 0 || value === 1 || value === '0' || value === '1';
    case 'exists': {
      const [table, column] = parameter.split(',');
      return context.exists ? context.exists(table ?? '', column, value) : true;
    }
    default:
      throw new Error(`validation rule ${name} is not modelled`);
  }
}

/** The attribute as messages show it (`z_created` → `z created`). */
function displayable(attribute: string): string {
  return attribute.replace(/_/g, ' ');
}

export function validate(data: PhpArray, rules: Rules, context: ValidationContext): MessageBag {
  const bag = new MessageBag();
  const texts = MESSAGES[context.generation];
  for (const [attribute, list] of rules) {
    const present = Object.prototype.hasOwnProperty.call(data, attribute);
    const value = present ? data[attribute]! : null;
    const nullable = list.includes('nullable');
    for (const rule of list) {
      if (rule === 'nullable') continue;
      const colon = rule.indexOf(':');
      const name = colon < 0 ? rule : rule.slice(0, colon);
      const parameter = colon < 0 ? '' : rule.slice(colon + 1);
      const implicit = name === 'required';
      // Validator::isValidatable: only `required` looks at absent or blank fields; `nullable` lets null through.
      if (!implicit && (!present || (typeof value === 'string' && value.trim() === '') || (nullable && value === null))) continue;
      if (passes(name, parameter, value, context)) continue;
      bag.add(attribute, texts[name]!.replace(':attribute', displayable(attribute)));
      if (implicit) break;
    }
  }
  return bag;
}

/** Laravel 10+'s ValidationException message: the first error and how many more there are. */
export function summarize(bag: MessageBag): string {
  const [first, ...rest] = bag.all();
  if (first === undefined) return 'The given data was invalid.';
  return rest.length === 0 ? first : `${first} (and ${rest.length} more error${rest.length === 1 ? '' : 's'})`;
}
