import { useEffect, useState } from 'react';
import { api } from '../../ui/api.js';
import { useT } from '../../ui/i18n.js';
import { type MessageKey, messages } from './messages.js';

interface TestPerson {
  nationalId: string;
  phone: string;
  name: string;
  birthDate: string;
  outcome: string;
}

/** The sandbox's test persons and what their virtual phones do. */
export function TestPersons() {
  const t = useT(messages);
  const [persons, setPersons] = useState<TestPerson[]>([]);
  useEffect(() => {
    void api<{ persons: TestPerson[] }>('/developers/v1/test-persons').then((r) =>
      setPersons(r.persons),
    );
  }, []);
  return (
    <section className="card">
      <h2>{t('navPersons')}</h2>
      <p className="muted">{t('personsIntro')}</p>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th>{t('nationalId')}</th>
              <th>{t('phone')}</th>
              <th>{t('name')}</th>
              <th>{t('outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {persons.map((p) => (
              <tr key={p.nationalId}>
                <td className="code">{p.nationalId}</td>
                <td className="code">{p.phone}</td>
                <td>{p.name}</td>
                <td>{t(`outcome_${p.outcome}` as MessageKey)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
