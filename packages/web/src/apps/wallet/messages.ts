import type { Messages } from '../../ui/i18n.js';

/** Every string of the wallet app, in each language (SPEC F29). */
export const messages = {
  en: {
    title: 'OpenMID Wallet',
    language: 'Language',
    intro: 'Your Mobile ID on this phone.',
    notFound: 'This page does not exist.',
  },
  az: {
    title: 'OpenMID Pulqabı',
    language: 'Dil',
    intro: 'Bu telefonda sizin Mobil ID-niz.',
    notFound: 'Belə səhifə yoxdur.',
  },
  'zh-Hant': {
    title: 'OpenMID 錢包',
    language: '語言',
    intro: '您手機上的行動身分。',
    notFound: '此頁面不存在。',
  },
} satisfies Messages<string>;

export type MessageKey = keyof (typeof messages)['en'];
