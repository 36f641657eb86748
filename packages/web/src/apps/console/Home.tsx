import { useT } from '../../ui/i18n.js';
import { messages } from './messages.js';
import { useSession } from './session.js';

export function Home() {
  const t = useT(messages);
  const session = useSession();
  return (
    <section className="card">
      <h2>{t('homeWelcome', { name: session.name })}</h2>
      <p>{t(`home_${session.role}`)}</p>
    </section>
  );
}
