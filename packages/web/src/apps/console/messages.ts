import type { Messages } from '../../ui/i18n.js';

/** Every string of the console app, in each language (SPEC F29). */
export const messages = {
  en: {
    title: 'OpenMID Console',
    language: 'Language',
    intro: 'Registration office, operator and auditor console.',
    notFound: 'This page does not exist.',
  },
  az: {
    title: 'OpenMID Konsolu',
    language: 'Dil',
    intro: 'Qeydiyyat ofisi, operator və auditor konsolu.',
    notFound: 'Belə səhifə yoxdur.',
  },
  'zh-Hant': {
    title: 'OpenMID 管理主控台',
    language: '語言',
    intro: '登記處、營運者與稽核者主控台。',
    notFound: '此頁面不存在。',
  },
} satisfies Messages<string>;

export type MessageKey = keyof (typeof messages)['en'];
