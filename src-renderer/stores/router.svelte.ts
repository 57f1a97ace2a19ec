import { routeFromHash, type Route } from '../lib/routes.js';

/** The current page, from the address fragment so reloads and the back button keep the place. */
class Router {
  current = $state<Route>(routeFromHash(location.hash));

  constructor() {
    window.addEventListener('hashchange', () => {
      this.current = routeFromHash(location.hash);
    });
  }

  go(route: Route): void {
    location.hash = `#/${route}`;
  }
}

export const router = new Router();
