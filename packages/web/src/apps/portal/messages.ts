import type { Messages } from '../../ui/i18n.js';

/** Every string of the portal app, in each language (SPEC F29). */
export const messages = {
  en: {
    title: 'OpenMID Self-service',
    language: 'Language',
    intro: 'Your devices, certificates and usage history.',
    notFound: 'This page does not exist.',
  },
  az: {
    title: 'OpenMID Özünəxidmət',
    language: 'Dil',
    intro: 'Cihazlarınız, sertifikatlarınız və istifadə tarixçəniz.',
    notFound: 'Belə səhifə yoxdur.',
  },
  'zh-Hant': {
    title: 'OpenMID 自助服務',
    language: '語言',
    intro: '您的裝置、憑證與使用紀錄。',
    notFound: '此頁面不存在。',
  },
} satisfies Messages<string>;

export type MessageKey = keyof (typeof messages)['en'];
