import { useT } from '../../ui/i18n.js';
import { Link } from '../../ui/router.js';
import { BASE } from './base.js';
import { messages } from './messages.js';

export function NotActivated() {
  const t = useT(messages);
  return (
    <section className="card">
      <p>{t('notActivated')}</p>
      <Link base={BASE} to="/activate" className="button">
        {t('activateStart')}
      </Link>
    </section>
  );
}
