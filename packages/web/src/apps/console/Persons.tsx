import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useLanguage, useT } from '../../ui/i18n.js';
import { ErrorNotice } from '../../ui/layout.js';
import { Link, navigate } from '../../ui/router.js';
import { useProblem } from '../../ui/use-problem.js';
import { type MessageKey, messages } from './messages.js';
import { useSession, useStaff } from './session.js';

const BASE = '/console';

interface PersonJson {
  personId: string;
  nationalId: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  nationality?: string;
  phone?: string;
  email?: string;
  photo?: string;
  document?: {
    type: string;
    number: string;
    issuedBy?: string;
    expiresOn?: string;
    checkedBy?: string;
  };
  status: string;
  createdAt: string;
}

interface DeviceJson {
  deviceId: string;
  status: string;
  name: string | null;
  keyStore: string;
  createdAt: string;
}

interface Envelope {
  activationCode: string;
  puk: string;
  expiresAt: string;
}

/** A status from the API in the reader's language (unknown ones as they are). */
function useStatus(): (status: string) => string {
  const t = useT(messages);
  return (status) => {
    const key = `status_${status}`;
    return key in messages.en ? t(key as MessageKey) : status;
  };
}

const NATIONAL_ID = /^(PNO|PAS|IDC)[A-Z]{2}-.+$/;
const PHONE = /^\+[1-9][0-9]{6,14}$/;

/** Registration office: find a person by national id or phone. */
export function Persons() {
  const t = useT(messages);
  const { call } = useStaff();
  const session = useSession();
  const [query, setQuery] = useState('');
  const [none, setNone] = useState(false);
  const { problem, run } = useProblem();

  const search = (e: FormEvent) => {
    e.preventDefault();
    const q = query.trim();
    setNone(false);
    const param = NATIONAL_ID.test(q) ? 'nationalId' : PHONE.test(q) ? 'phone' : undefined;
    if (!param) {
      setNone(true);
      return;
    }
    void run(async () => {
      const { persons } = await call<{ persons: PersonJson[] }>(
        `/admin/v1/persons?${param}=${encodeURIComponent(q)}`,
      );
      const first = persons[0];
      if (first) navigate(BASE, `/persons/${first.personId}`);
      else setNone(true);
    });
  };

  return (
    <section className="card">
      <h2>{t('personsTitle')}</h2>
      <form onSubmit={search} className="console-search">
        <label htmlFor="person-query">{t('searchLabel')}</label>
        <div className="row">
          <input
            id="person-query"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="PNOAZ-1234567 / +994501234567"
            autoComplete="off"
          />
          <button type="submit">{t('searchButton')}</button>
        </div>
      </form>
      {none ? <p className="notice notice-warn">{t('searchNone')}</p> : null}
      {problem ? <ErrorNotice title={problem.title} detail={problem.detail} /> : null}
      {session.role !== 'auditor' ? (
        <p>
          <Link base={BASE} to="/persons/new" className="button secondary">
            {t('registerNew')}
          </Link>
        </p>
      ) : null}
    </section>
  );
}

/** The printable envelope: activation code and PUK, handed to the person. */
function EnvelopeCard({ envelope, person }: { envelope: Envelope; person: PersonJson }) {
  const t = useT(messages);
  const { lang } = useLanguage();
  return (
    <section className="card envelope" data-testid="envelope">
      <h2>{t('envelopeTitle')}</h2>
      <p>
        {person.givenName} {person.familyName} · {person.nationalId}
      </p>
      <dl className="envelope-fields">
        <dt>{t('envelopeCode')}</dt>
        <dd className="code" data-testid="activation-code">
          {envelope.activationCode}
        </dd>
        <dt>{t('envelopePuk')}</dt>
        <dd className="code" data-testid="puk">
          {envelope.puk}
        </dd>
        <dt>{t('envelopeExpires')}</dt>
        <dd>{new Date(envelope.expiresAt).toLocaleString(lang)}</dd>
      </dl>
      <p className="muted">{t('envelopeHint')}</p>
      <button type="button" className="no-print" onClick={() => window.print()}>
        {t('print')}
      </button>
    </section>
  );
}

/** One person: data, devices, activation code, suspend / resume / revoke. */
export function PersonPage({ id }: { id: string }) {
  const t = useT(messages);
  const { call } = useStaff();
  const session = useSession();
  const canWrite = session.role === 'operator' || session.role === 'officer';
  const { lang } = useLanguage();
  const status = useStatus();
  const [person, setPerson] = useState<PersonJson | undefined>();
  const [devices, setDevices] = useState<DeviceJson[]>([]);
  const [envelope, setEnvelope] = useState<Envelope | undefined>();
  const { problem, run } = useProblem();

  const load = useCallback(
    () =>
      run(async () => {
        setPerson(await call<PersonJson>(`/admin/v1/persons/${encodeURIComponent(id)}`));
        const list = await call<{ devices: DeviceJson[] }>(
          `/admin/v1/persons/${encodeURIComponent(id)}/devices`,
        );
        setDevices(list.devices);
      }),
    [call, id, run],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const issue = () =>
    run(async () => {
      setEnvelope(
        await call<Envelope>(`/admin/v1/persons/${encodeURIComponent(id)}/activation-codes`, {
          method: 'POST',
        }),
      );
    });
  const deviceAction = (deviceId: string, action: 'suspend' | 'resume' | 'revoke') =>
    run(async () => {
      if (action === 'revoke' && !window.confirm(t('confirmRevoke'))) return;
      await call(`/admin/v1/devices/${encodeURIComponent(deviceId)}/${action}`, {
        method: 'POST',
        ...(action === 'revoke' ? { json: { reason: 'unspecified' } } : {}),
      });
      await load();
    });

  if (!person) {
    return problem ? <ErrorNotice title={problem.title} detail={problem.detail} /> : null;
  }
  return (
    <>
      <section className="card no-print">
        <h2>{t('personTitle')}</h2>
        <div className="person">
          {person.photo ? (
            <img
              className="person-photo"
              alt={t('fieldPhoto')}
              src={
                person.photo.startsWith('data:')
                  ? person.photo
                  : `data:image/jpeg;base64,${person.photo}`
              }
            />
          ) : null}
          <dl className="fields">
            <dt>{t('fieldNationalId')}</dt>
            <dd data-testid="national-id">{person.nationalId}</dd>
            <dt>{t('fieldName')}</dt>
            <dd>
              {person.givenName} {person.familyName}
            </dd>
            <dt>{t('fieldBirthDate')}</dt>
            <dd>{person.birthDate}</dd>
            {person.phone ? (
              <>
                <dt>{t('fieldPhone')}</dt>
                <dd>{person.phone}</dd>
              </>
            ) : null}
            {person.email ? (
              <>
                <dt>{t('fieldEmail')}</dt>
                <dd>{person.email}</dd>
              </>
            ) : null}
            {person.document ? (
              <>
                <dt>{t('fieldDocument')}</dt>
                <dd>
                  {person.document.type} {person.document.number}
                  {person.document.checkedBy
                    ? ` · ${t('checkedBy', { name: person.document.checkedBy })}`
                    : ''}
                </dd>
              </>
            ) : null}
            <dt>{t('fieldStatus')}</dt>
            <dd>{status(person.status)}</dd>
          </dl>
        </div>
      </section>
      {problem ? <ErrorNotice title={problem.title} detail={problem.detail} /> : null}
      <section className="card no-print">
        <h2>{t('devicesTitle')}</h2>
        {devices.length === 0 ? <p className="muted">{t('noDevices')}</p> : null}
        {devices.length > 0 ? (
          <table>
            <thead>
              <tr>
                <th>{t('deviceName')}</th>
                <th>{t('fieldStatus')}</th>
                <th>{t('deviceCreated')}</th>
                {canWrite ? <th>{t('colActions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {devices.map((d) => (
                <tr key={d.deviceId} data-testid="device-row">
                  <td>
                    {d.name ?? '—'} <span className="muted">({d.keyStore})</span>
                  </td>
                  <td>{status(d.status)}</td>
                  <td>{new Date(d.createdAt).toLocaleString(lang)}</td>
                  {canWrite ? (
                    <td>
                      <div className="row">
                        {d.status === 'active' ? (
                          <button
                            type="button"
                            className="secondary"
                            onClick={() => void deviceAction(d.deviceId, 'suspend')}
                          >
                            {t('suspend')}
                          </button>
                        ) : null}
                        {d.status === 'suspended' ? (
                          <button
                            type="button"
                            className="secondary"
                            onClick={() => void deviceAction(d.deviceId, 'resume')}
                          >
                            {t('resume')}
                          </button>
                        ) : null}
                        {d.status !== 'revoked' ? (
                          <button
                            type="button"
                            className="danger"
                            onClick={() => void deviceAction(d.deviceId, 'revoke')}
                          >
                            {t('revoke')}
                          </button>
                        ) : null}
                      </div>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {canWrite ? (
          <>
            <p className="muted">{t('reissueNote')}</p>
            <button type="button" onClick={() => void issue()} data-testid="issue-code">
              {t('issueCode')}
            </button>
          </>
        ) : null}
      </section>
      {envelope ? <EnvelopeCard envelope={envelope} person={person} /> : null}
    </>
  );
}

const MAX_PHOTO = 512 * 1024;

/** Register a person: identity document checked in person, photo, then the activation code. */
export function RegisterPerson() {
  const t = useT(messages);
  const { call } = useStaff();
  const session = useSession();
  const [form, setForm] = useState({
    nationalId: '',
    givenName: '',
    familyName: '',
    birthDate: '',
    nationality: 'AZ',
    phone: '',
    email: '',
    docType: 'ID card',
    docNumber: '',
    docIssuedBy: '',
    docExpires: '',
  });
  const [checked, setChecked] = useState(false);
  const [photo, setPhoto] = useState<string | undefined>();
  const [photoError, setPhotoError] = useState(false);
  const { problem, run } = useProblem();
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [key]: e.target.value });

  const onPhoto = (file: File | undefined) => {
    setPhotoError(false);
    setPhoto(undefined);
    if (!file) return;
    if (file.size > MAX_PHOTO || !['image/jpeg', 'image/png'].includes(file.type)) {
      setPhotoError(true);
      return;
    }
    const reader = new FileReader();
    reader.onload = () => setPhoto(String(reader.result));
    reader.readAsDataURL(file);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const opt = (v: string) => (v.trim() === '' ? undefined : v.trim());
      const body = {
        nationalId: form.nationalId.trim(),
        givenName: form.givenName.trim(),
        familyName: form.familyName.trim(),
        birthDate: form.birthDate,
        nationality: opt(form.nationality),
        phone: opt(form.phone),
        email: opt(form.email),
        photo,
        document: {
          type: form.docType.trim(),
          number: form.docNumber.trim(),
          issuedBy: opt(form.docIssuedBy),
          expiresOn: opt(form.docExpires),
          checkedBy: `${session.name} (${session.staffId})`,
        },
      };
      const { personId } = await call<{ personId: string }>('/admin/v1/persons', {
        method: 'POST',
        json: body,
      });
      navigate(BASE, `/persons/${personId}`);
    });
  };

  const field = (key: keyof typeof form, label: string, props: Record<string, unknown> = {}) => (
    <div className="field">
      <label htmlFor={`f-${key}`}>{label}</label>
      <input id={`f-${key}`} name={key} value={form[key]} onChange={set(key)} {...props} />
    </div>
  );

  return (
    <section className="card">
      <h2>{t('registerTitle')}</h2>
      <form onSubmit={submit} className="grid-form">
        {field('nationalId', t('fieldNationalId'), {
          required: true,
          placeholder: 'PNOAZ-1234567',
        })}
        {field('givenName', t('fieldGivenName'), { required: true })}
        {field('familyName', t('fieldFamilyName'), { required: true })}
        {field('birthDate', t('fieldBirthDate'), { required: true, type: 'date' })}
        {field('nationality', t('fieldNationality'), { maxLength: 2 })}
        {field('phone', t('fieldPhone'), { placeholder: '+994501234567', type: 'tel' })}
        {field('email', t('fieldEmail'), { type: 'email' })}
        <fieldset className="field-wide">
          <legend>{t('fieldDocument')}</legend>
          <div className="grid-form">
            {field('docType', t('fieldDocType'), { required: true })}
            {field('docNumber', t('fieldDocNumber'), { required: true })}
            {field('docIssuedBy', t('fieldDocIssuedBy'))}
            {field('docExpires', t('fieldDocExpires'), { type: 'date' })}
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={checked}
              onChange={(e) => setChecked(e.target.checked)}
              data-testid="document-checked"
            />
            {t('documentChecked')}
          </label>
        </fieldset>
        <div className="field-wide">
          <label htmlFor="f-photo">{t('fieldPhoto')}</label>
          <input
            id="f-photo"
            type="file"
            accept="image/jpeg,image/png"
            onChange={(e) => onPhoto(e.target.files?.[0])}
          />
          {photoError ? <p className="notice notice-error">{t('photoTooLarge')}</p> : null}
          {photo ? <img className="person-photo" alt={t('fieldPhoto')} src={photo} /> : null}
        </div>
        {problem ? (
          <div className="field-wide">
            <ErrorNotice title={problem.title} detail={problem.detail} />
          </div>
        ) : null}
        <div className="field-wide">
          <button type="submit" disabled={!checked} data-testid="register">
            {t('registerButton')}
          </button>
        </div>
      </form>
    </section>
  );
}
