import type { Messages } from '../../ui/i18n.js';

/** Every string of the verifier app, in each language (SPEC F29). */
export const messages = {
  en: {
    title: 'OpenMID Verifier',
    language: 'Language',
    intro: 'Check a digital ID card, offline.',
    notFound: 'This page does not exist.',
  },
  az: {
    title: 'OpenMID Yoxlayıcı',
    language: 'Dil',
    intro: 'Rəqəmsal şəxsiyyət vəsiqəsini oflayn yoxlayın.',
    notFound: 'Belə səhifə yoxdur.',
  },
  'zh-Hant': {
    title: 'OpenMID 驗證器',
    language: '語言',
    intro: '離線查驗數位身分證。',
    notFound: '此頁面不存在。',
  },
} satisfies Messages<string>;

export type MessageKey = keyof (typeof messages)['en'];
