/*
 * Laravel's route matching as sark6api meets it: routes tried in registration order per verb (HEAD
 * rides on GET), parameters `[^/]+` matched against the percent-decoded path, optional trailing
 * `{param?}`, parameters glued to literals (`logs/cdrs{limit}` in the Laravel 11 code). The fallback
 * route is GET/HEAD only, so a POST/PUT/DELETE to an unknown URI finds the fallback under "other
 * verbs" and becomes a **405**, never the fallback's 404 (laravel/framework#25550).
 */

export const VERBS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export interface RouteDef<A> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to `/api/`, Laravel syntax. */
  uri: string;
  action: A;
}

interface Compiled<A> extends RouteDef<A> {
  regex: RegExp;
  names: string[];
  fallback: boolean;
}

export type RouteMatch<A> =
  | { kind: 'route'; action: A; params: Record<string, string>; fallback: boolean }
  | { kind: 'methodNotAllowed'; allowed: string[] };

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile<A>(def: RouteDef<A>, fallback: boolean): Compiled<A> {
  const names: string[] = [];
  let source = '';
  const parts = def.uri.split(/(\{[^}]+\})/).filter((p) => p !== '');
  for (const part of parts) {
    const param = /^\{(\w+)(\?)?\}$/.exec(part);
    if (!param) {
      source += escapeRegex(part);
      continue;
    }
    names.push(param[1]!);
    if (param[2] && source.endsWith('/')) source = `${source.slice(0, -1)}(?:/([^/]+))?`;
    else if (param[2]) source += '([^/]+)?';
    else source += fallback ? '(.*)' : '([^/]+)';
  }
  return { ...def, regex: new RegExp(`^${source}$`), names, fallback };
}

export class Router<A> {
  private readonly routes: Compiled<A>[] = [];
  private fallbackRoute: Compiled<A> | undefined;

  add(method: RouteDef<A>['method'], uri: string, action: A): this {
    this.routes.push(compile({ method, uri, action }, false));
    return this;
  }

  /** `Route::fallback(...)`: GET (and HEAD) for any URI no other route took. */
  fallback(action: A): this {
    this.fallbackRoute = compile({ method: 'GET', uri: '{fallbackPlaceholder}', action }, true);
    return this;
  }

  private find(verb: string, uri: string): { route: Compiled<A>; values: RegExpExecArray } | undefined {
    const method = verb === 'HEAD' ? 'GET' : verb;
    const candidates = this.routes.filter((r) => r.method === method);
    if (this.fallbackRoute && method === 'GET') candidates.push(this.fallbackRoute);
    for (const route of candidates) {
      const values = route.regex.exec(uri);
      if (values) return { route, values };
    }
    return undefined;
  }

  /** `uri` is the decoded path after `/api/`. */
  match(verb: string, uri: string): RouteMatch<A> {
    const found = this.find(verb, uri);
    if (found) {
      const params: Record<string, string> = {};
      found.route.names.forEach((name, i) => {
        const value = found.values[i + 1];
        if (value !== undefined) params[name] = value;
      });
      return { kind: 'route', action: found.route.action, params, fallback: found.route.fallback };
    }
    const allowed = VERBS.filter((other) => other !== verb && this.find(other, uri) !== undefined);
    return { kind: 'methodNotAllowed', allowed };
  }
}
