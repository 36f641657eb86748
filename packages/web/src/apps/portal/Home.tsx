import { useT } from '../../ui/i18n.js';
import { messages } from './messages.js';

export function Home() {
  const t = useT(messages);
  return (
    <section className="card">
      <p>{t('intro')}</p>
    </section>
  );
}
