export { WEB_APPS, type WebAppName } from './apps.js';
export { type DemoRpOptions, registerDemoRp } from './demo-rp/demo-rp-routes.js';
export {
  defaultWebDistDir,
  registerWebApps,
  WEB_APP_CSP,
  type WebAppsOptions,
} from './web-apps-routes.js';
