/** The log-in page's texts (F29): English, Azerbaijani, Traditional Chinese. */
export const LOCALES = ['en', 'az', 'zh-Hant'] as const;
export type Locale = (typeof LOCALES)[number];

const en = {
  title: 'Log in with Mobile ID',
  loginTo: 'Log in to {client}',
  scanTitle: 'Scan with your Mobile ID wallet',
  scanHelp: 'Open the wallet on your phone and scan this code. It changes every second.',
  sameDevice: 'Open the wallet on this device',
  orIdentifier: 'Or receive the request on your phone',
  identifierLabel: 'National ID (PNOAZ-1234567) or phone number (+994…)',
  send: 'Send to my phone',
  codeTitle: 'Check the code on your phone',
  codeHelp:
    'Your phone shows a request from {client}. Confirm it only if the phone shows this code:',
  waiting: 'Waiting for your phone…',
  consentNote: 'You choose on your phone which data {client} receives.',
  claimsAsked: '{client} asks for:',
  done: 'Confirmed. Continuing…',
  tryAgain: 'Try again',
  cancel: 'Cancel and return to {client}',
  errRefused: 'The request was refused on the phone.',
  errTimeout: 'Nobody answered on the phone in time.',
  errNoMobileId: 'No active Mobile ID was found for this national ID or phone number.',
  errWrongCode: 'A wrong verification code was chosen on the phone.',
  errBlocked: 'The PIN is blocked. Unblock it with your PUK first.',
  errCertificate: 'The Mobile ID certificate is not valid (suspended or revoked).',
  errCancelled: 'The request was cancelled.',
  errBadIdentifier: 'Enter a national ID like PNOAZ-1234567 or a phone number like +994501234567.',
  errBusy: 'Too many requests. Wait a moment and try again.',
  errGeneric: 'Something went wrong. Try again.',
  errorTitle: 'The log-in cannot continue',
  logoutTitle: 'Log out',
  logoutQuestion: 'Do you want to log out of Mobile ID?',
  logoutYes: 'Yes, log out',
  logoutNo: 'No, stay logged in',
  loggedOut: 'You are logged out.',
  language: 'Language',
} as const;

export type Messages = { [K in keyof typeof en]: string };

const az: Messages = {
  title: 'Mobil ID ilə daxil olun',
  loginTo: '{client} xidmətinə daxil olun',
  scanTitle: 'Mobil ID pul kisəsi ilə skan edin',
  scanHelp: 'Telefonunuzda pul kisəsini açın və bu kodu skan edin. Kod hər saniyə dəyişir.',
  sameDevice: 'Pul kisəsini bu cihazda açın',
  orIdentifier: 'Və ya sorğunu telefonunuza alın',
  identifierLabel: 'Şəxsiyyət nömrəsi (PNOAZ-1234567) və ya telefon nömrəsi (+994…)',
  send: 'Telefonuma göndər',
  codeTitle: 'Telefonunuzdakı kodu yoxlayın',
  codeHelp:
    'Telefonunuz {client} xidmətindən sorğu göstərir. Yalnız telefonda bu kod görünürsə təsdiqləyin:',
  waiting: 'Telefonunuz gözlənilir…',
  consentNote: '{client} xidmətinin hansı məlumatları alacağını telefonunuzda seçirsiniz.',
  claimsAsked: '{client} bunları istəyir:',
  done: 'Təsdiqləndi. Davam edilir…',
  tryAgain: 'Yenidən cəhd edin',
  cancel: 'Ləğv edin və {client} xidmətinə qayıdın',
  errRefused: 'Sorğu telefonda rədd edildi.',
  errTimeout: 'Telefonda vaxtında cavab verilmədi.',
  errNoMobileId: 'Bu şəxsiyyət və ya telefon nömrəsi üçün aktiv Mobil ID tapılmadı.',
  errWrongCode: 'Telefonda yanlış yoxlama kodu seçildi.',
  errBlocked: 'PIN bloklanıb. Əvvəlcə PUK ilə blokdan çıxarın.',
  errCertificate: 'Mobil ID sertifikatı etibarlı deyil (dayandırılıb və ya ləğv edilib).',
  errCancelled: 'Sorğu ləğv edildi.',
  errBadIdentifier:
    'PNOAZ-1234567 kimi şəxsiyyət nömrəsi və ya +994501234567 kimi telefon nömrəsi daxil edin.',
  errBusy: 'Həddindən çox sorğu. Bir az gözləyin və yenidən cəhd edin.',
  errGeneric: 'Xəta baş verdi. Yenidən cəhd edin.',
  errorTitle: 'Giriş davam edə bilmir',
  logoutTitle: 'Çıxış',
  logoutQuestion: 'Mobil ID-dən çıxmaq istəyirsiniz?',
  logoutYes: 'Bəli, çıxış',
  logoutNo: 'Xeyr, daxil olmuş qalın',
  loggedOut: 'Siz çıxış etdiniz.',
  language: 'Dil',
};

const zhHant: Messages = {
  title: '使用行動身分證登入',
  loginTo: '登入 {client}',
  scanTitle: '使用行動身分證錢包掃描',
  scanHelp: '在手機上開啟錢包並掃描此代碼。代碼每秒更新一次。',
  sameDevice: '在此裝置上開啟錢包',
  orIdentifier: '或在手機上接收請求',
  identifierLabel: '身分證號碼（PNOAZ-1234567）或電話號碼（+994…）',
  send: '傳送到我的手機',
  codeTitle: '核對手機上的驗證碼',
  codeHelp: '您的手機顯示來自 {client} 的請求。只有在手機顯示此驗證碼時才確認：',
  waiting: '正在等待您的手機…',
  consentNote: '您在手機上選擇 {client} 可以取得哪些資料。',
  claimsAsked: '{client} 要求：',
  done: '已確認，正在繼續…',
  tryAgain: '再試一次',
  cancel: '取消並返回 {client}',
  errRefused: '請求已在手機上被拒絕。',
  errTimeout: '手機未在時限內回應。',
  errNoMobileId: '找不到此身分證號碼或電話號碼的有效行動身分證。',
  errWrongCode: '手機上選擇了錯誤的驗證碼。',
  errBlocked: 'PIN 已被鎖定，請先使用 PUK 解鎖。',
  errCertificate: '行動身分證憑證無效（已暫停或已撤銷）。',
  errCancelled: '請求已取消。',
  errBadIdentifier: '請輸入如 PNOAZ-1234567 的身分證號碼或如 +994501234567 的電話號碼。',
  errBusy: '請求過多，請稍候再試。',
  errGeneric: '發生錯誤，請再試一次。',
  errorTitle: '無法繼續登入',
  logoutTitle: '登出',
  logoutQuestion: '您要登出行動身分證嗎？',
  logoutYes: '是，登出',
  logoutNo: '否，保持登入',
  loggedOut: '您已登出。',
  language: '語言',
};

export const MESSAGES: Record<Locale, Messages> = { en, az, 'zh-Hant': zhHant };

/** Claim names as the page lists them. */
export const CLAIM_LABELS: Record<Locale, Record<string, string>> = {
  en: {
    name: 'full name',
    given_name: 'given name',
    family_name: 'family name',
    birthdate: 'date of birth',
    age_over_18: 'whether you are over 18',
    nationality: 'nationality',
    address: 'address',
    phone_number: 'phone number',
    email: 'email',
    picture: 'photo',
    national_id: 'national ID',
  },
  az: {
    name: 'tam ad',
    given_name: 'ad',
    family_name: 'soyad',
    birthdate: 'doğum tarixi',
    age_over_18: '18 yaşdan yuxarı olub-olmadığınız',
    nationality: 'vətəndaşlıq',
    address: 'ünvan',
    phone_number: 'telefon nömrəsi',
    email: 'e-poçt',
    picture: 'foto',
    national_id: 'şəxsiyyət nömrəsi',
  },
  'zh-Hant': {
    name: '全名',
    given_name: '名字',
    family_name: '姓氏',
    birthdate: '出生日期',
    age_over_18: '是否年滿 18 歲',
    nationality: '國籍',
    address: '地址',
    phone_number: '電話號碼',
    email: '電子郵件',
    picture: '相片',
    national_id: '身分證號碼',
  },
};

/** The best supported locale for ui_locales (space separated) or an Accept-Language header. */
export function pickLocale(...preferences: (string | undefined)[]): Locale {
  for (const pref of preferences) {
    if (!pref) continue;
    const tags = pref
      .split(/[\s,]+/)
      .map((t) => t.split(';')[0]?.trim().toLowerCase())
      .filter((t): t is string => Boolean(t));
    for (const tag of tags) {
      if (tag === 'az' || tag.startsWith('az-')) return 'az';
      if (tag === 'zh-hant' || tag === 'zh-tw' || tag === 'zh-hk' || tag.startsWith('zh-hant'))
        return 'zh-Hant';
      if (tag === 'en' || tag.startsWith('en-')) return 'en';
    }
  }
  return 'en';
}

export function format(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? `{${k}}`);
}
