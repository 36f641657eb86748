import { appBase } from '../../ui/router.js';

/** The wallet is served at /wallet/ (its service worker's scope). */
export const BASE = appBase('wallet');
