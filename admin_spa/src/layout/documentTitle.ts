import type { createBrowserRouter } from 'react-router';
import i18n from '../i18n';
import { looseT } from '../i18n/codes';
import { NAVIGATION } from './navigation';

type Router = ReturnType<typeof createBrowserRouter>;

/** Pages outside the menu, by route pattern: their title key. */
const OTHER_PAGES: Record<string, string> = {
  '/login': 'titles.login',
  '/members/:id': 'titles.memberDetail',
  '/orders/:externalId': 'titles.orderDetail',
  '/coupons/:id': 'titles.couponTemplate',
  '/webhooks/:id': 'titles.webhookEndpoint',
  '/account': 'titles.account',
  '/change-password': 'titles.changePassword',
  '*': 'titles.notFound',
};

function routePattern(router: Router): string {
  const deepest = router.state.matches[router.state.matches.length - 1]?.route.path ?? '';
  if (deepest === '*' || deepest === '') return deepest;
  return deepest.startsWith('/') ? deepest : `/${deepest}`;
}

/** The page's name: a menu entry's label, a detail page's, or that of the menu entry it sits under. */
function pageTitleKey(pattern: string): string | null {
  const item = NAVIGATION.find((entry) => entry.path === pattern);
  if (item) return `nav.${item.key}`;
  const other = OTHER_PAGES[pattern];
  if (other) return other;
  const section = NAVIGATION.find((entry) => pattern.startsWith(`${entry.path}/`));
  return section ? `nav.${section.key}` : null;
}

/** "会员 · 会员管理后台": the page, then the console, in the UI's language. */
export function documentTitle(pattern: string): string {
  const t = looseT(i18n.t);
  const app = t('titles.app');
  const key = pageTitleKey(pattern);
  return key ? t('titles.page', { page: t(key), app }) : app;
}

/** Keeps the browser tab's title on the current page, in the current language. */
export function followDocumentTitle(router: Router): () => void {
  const update = () => {
    document.title = documentTitle(routePattern(router));
  };
  update();
  const unsubscribe = router.subscribe(update);
  i18n.on('languageChanged', update);
  return () => {
    unsubscribe();
    i18n.off('languageChanged', update);
  };
}
