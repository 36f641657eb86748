import { useState } from 'react';
import { useT } from '../../ui/i18n.js';
import { Check } from './Check.js';
import { Enrol } from './Enrol.js';
import { messages } from './messages.js';
import { loadEnrolment } from './verifier-state.js';

/** Not registered yet: the enrolment form; registered: the check screen. */
export function Home() {
  const t = useT(messages);
  const [enrolment, setEnrolment] = useState(loadEnrolment);
  return (
    <>
      <p className="muted">{t('intro')}</p>
      {enrolment ? <Check enrolment={enrolment} /> : <Enrol onDone={setEnrolment} />}
    </>
  );
}
