import type { Messages } from '../../ui/i18n.js';

/** Every string of the developers app, in each language (SPEC F29). */
export const messages = {
  en: {
    title: 'OpenMID for developers',
    language: 'Language',
    intro: 'Sandbox clients, test persons and the integration guide.',
    notFound: 'This page does not exist.',
  },
  az: {
    title: 'Tərtibatçılar üçün OpenMID',
    language: 'Dil',
    intro: 'Sınaq klientləri, test şəxsləri və inteqrasiya bələdçisi.',
    notFound: 'Belə səhifə yoxdur.',
  },
  'zh-Hant': {
    title: 'OpenMID 開發者入口',
    language: '語言',
    intro: '沙盒用戶端、測試人員與整合指南。',
    notFound: '此頁面不存在。',
  },
} satisfies Messages<string>;

export type MessageKey = keyof (typeof messages)['en'];
