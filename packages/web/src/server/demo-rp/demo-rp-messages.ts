/** The demo RP's strings in the platform's three languages (SPEC F29). */
export const DEMO_RP_LANGS = ['en', 'az', 'zh-Hant'] as const;
export type DemoRpLang = (typeof DEMO_RP_LANGS)[number];

const en = {
  title: 'e-Tax portal',
  badge: 'Demo relying party · sandbox',
  intro:
    'File your income declaration online. Log in with Mobile ID: the portal asks OpenMID for your name and identifier, and you approve on your phone what it may see.',
  login: 'Log in with Mobile ID',
  sandboxHint: 'Sandbox: log in as PNOAZ-9000001 (its virtual phone always approves).',
  welcome: 'Welcome, {name}',
  released: 'What OpenMID released to this portal',
  claim: 'Claim',
  value: 'Value',
  sub: 'Your identifier at this portal (pairwise)',
  acr: 'Level of assurance',
  amr: 'Authentication methods',
  noClaims: 'No personal data was released.',
  declaration: 'Income declaration 2026',
  declarationIntro:
    'Enter your income; the portal prepares the declaration as a PDF and sends it to your phone to sign with PIN2.',
  income: 'Income (AZN)',
  sign: 'Sign with Mobile ID',
  cannotSign:
    'To sign, release your national identifier or phone number when you log in (log out and in again).',
  logout: 'Log out',
  checkPhone: 'Check your phone',
  checkPhoneText:
    'Confirm the declaration with PIN2 if your phone shows the same verification code:',
  waiting: 'Waiting for your phone…',
  cancel: 'Cancel',
  signed: 'Declaration signed',
  signedText:
    'Your declaration is signed (PAdES, with a time-stamp and revocation data). Any validator checks it, e.g. POST /validation/v1/reports.',
  download: 'Download the signed PDF',
  back: 'Back to your account',
  notSigned: 'The declaration was not signed',
  tryAgain: 'Try again',
  loginFailed: 'Log-in did not complete',
  loginDenied: 'The log-in was cancelled or refused on the phone.',
  endResult: {
    USER_REFUSED: 'You refused the request on your phone.',
    TIMEOUT: 'Your phone did not answer in time.',
    WRONG_VC: 'A wrong verification code was chosen on the phone.',
    PIN_BLOCKED: 'The PIN is blocked.',
    CERTIFICATE_INVALID: 'Your signing certificate is not valid.',
    CANCELLED: 'The request was cancelled.',
    NOT_FOUND_OR_INACTIVE: 'No active Mobile ID was found for you.',
    OK: 'The document could not be assembled.',
  } as Record<string, string>,
  unknownError: 'Something went wrong: {detail}',
  language: 'Language',
  invalidIncome: 'Enter the income as a whole number of manats.',
};

export type DemoRpMessages = typeof en;

const az: DemoRpMessages = {
  title: 'e-Vergi portalı',
  badge: 'Demo xidmət təminatçısı · sandbox',
  intro:
    'Gəlir bəyannamənizi onlayn təqdim edin. Mobil ID ilə daxil olun: portal OpenMID-dən adınızı və identifikatorunuzu istəyir, nəyi görə biləcəyini isə telefonunuzda siz təsdiqləyirsiniz.',
  login: 'Mobil ID ilə daxil ol',
  sandboxHint: 'Sandbox: PNOAZ-9000001 kimi daxil olun (virtual telefonu həmişə təsdiqləyir).',
  welcome: 'Xoş gəlmisiniz, {name}',
  released: 'OpenMID-in bu portala verdiyi məlumatlar',
  claim: 'Məlumat',
  value: 'Dəyər',
  sub: 'Bu portalda identifikatorunuz (pairwise)',
  acr: 'Etibarlılıq səviyyəsi',
  amr: 'Autentifikasiya üsulları',
  noClaims: 'Heç bir şəxsi məlumat verilməyib.',
  declaration: '2026-cı il gəlir bəyannaməsi',
  declarationIntro:
    'Gəlirinizi daxil edin; portal bəyannaməni PDF kimi hazırlayır və PIN2 ilə imzalamaq üçün telefonunuza göndərir.',
  income: 'Gəlir (AZN)',
  sign: 'Mobil ID ilə imzala',
  cannotSign:
    'İmzalamaq üçün daxil olarkən şəxsiyyət nömrənizi və ya telefon nömrənizi təqdim edin (çıxıb yenidən daxil olun).',
  logout: 'Çıxış',
  checkPhone: 'Telefonunuzu yoxlayın',
  checkPhoneText: 'Telefonunuz eyni yoxlama kodunu göstərirsə, bəyannaməni PIN2 ilə təsdiqləyin:',
  waiting: 'Telefonunuz gözlənilir…',
  cancel: 'Ləğv et',
  signed: 'Bəyannamə imzalandı',
  signedText:
    'Bəyannaməniz imzalanıb (PAdES, zaman damğası və status məlumatı ilə). İstənilən yoxlayıcı onu yoxlaya bilər, məsələn POST /validation/v1/reports.',
  download: 'İmzalanmış PDF-i yüklə',
  back: 'Hesabınıza qayıdın',
  notSigned: 'Bəyannamə imzalanmadı',
  tryAgain: 'Yenidən cəhd edin',
  loginFailed: 'Daxil olma başa çatmadı',
  loginDenied: 'Daxil olma ləğv edildi və ya telefonda rədd edildi.',
  endResult: {
    USER_REFUSED: 'Sorğunu telefonunuzda rədd etdiniz.',
    TIMEOUT: 'Telefonunuz vaxtında cavab vermədi.',
    WRONG_VC: 'Telefonda səhv yoxlama kodu seçildi.',
    PIN_BLOCKED: 'PIN bloklanıb.',
    CERTIFICATE_INVALID: 'İmza sertifikatınız etibarlı deyil.',
    CANCELLED: 'Sorğu ləğv edildi.',
    NOT_FOUND_OR_INACTIVE: 'Sizin üçün aktiv Mobil ID tapılmadı.',
    OK: 'Sənəd hazırlana bilmədi.',
  },
  unknownError: 'Xəta baş verdi: {detail}',
  language: 'Dil',
  invalidIncome: 'Gəliri tam manatla daxil edin.',
};

const zhHant: DemoRpMessages = {
  title: '電子報稅入口',
  badge: '示範依賴方 · 沙盒',
  intro:
    '在網上提交您的入息申報表。以流動身份證明登入：入口網站向 OpenMID 索取您的姓名及識別碼，由您在手機上批准可披露的資料。',
  login: '以流動身份證明登入',
  sandboxHint: '沙盒：以 PNOAZ-9000001 登入（其虛擬手機一律批准）。',
  welcome: '歡迎，{name}',
  released: 'OpenMID 向本網站披露的資料',
  claim: '資料項目',
  value: '內容',
  sub: '您在本網站的識別碼（成對）',
  acr: '保證等級',
  amr: '認證方法',
  noClaims: '沒有披露任何個人資料。',
  declaration: '2026 年度入息申報表',
  declarationIntro: '輸入您的入息；網站會把申報表製成 PDF，並傳送到您的手機以 PIN2 簽署。',
  income: '入息（馬納特）',
  sign: '以流動身份證明簽署',
  cannotSign: '如要簽署，請在登入時披露您的身份證號碼或電話號碼（請登出後再登入）。',
  logout: '登出',
  checkPhone: '請查看您的手機',
  checkPhoneText: '如手機顯示相同的驗證碼，請以 PIN2 確認申報表：',
  waiting: '正在等待您的手機…',
  cancel: '取消',
  signed: '申報表已簽署',
  signedText:
    '您的申報表已簽署（PAdES，附時間戳記及撤銷資料）。任何驗證工具均可核實，例如 POST /validation/v1/reports。',
  download: '下載已簽署的 PDF',
  back: '返回您的帳戶',
  notSigned: '申報表未有簽署',
  tryAgain: '再試一次',
  loginFailed: '登入未能完成',
  loginDenied: '登入已取消，或已在手機上被拒絕。',
  endResult: {
    USER_REFUSED: '您已在手機上拒絕請求。',
    TIMEOUT: '您的手機未能及時回應。',
    WRONG_VC: '手機上選擇了錯誤的驗證碼。',
    PIN_BLOCKED: 'PIN 已被鎖定。',
    CERTIFICATE_INVALID: '您的簽署證書無效。',
    CANCELLED: '請求已取消。',
    NOT_FOUND_OR_INACTIVE: '找不到您的有效流動身份證明。',
    OK: '未能製成文件。',
  },
  unknownError: '發生錯誤：{detail}',
  language: '語言',
  invalidIncome: '請以整數馬納特輸入入息。',
};

export const DEMO_RP_MESSAGES: Record<DemoRpLang, DemoRpMessages> = {
  en,
  az,
  'zh-Hant': zhHant,
};

/** The language of a request: ?lang=, then the cookie, then Accept-Language, then English. */
export function pickLang(
  query: string | undefined,
  cookie: string | undefined,
  acceptLanguage: string | undefined,
): DemoRpLang {
  for (const candidate of [query, cookie]) {
    if (candidate && (DEMO_RP_LANGS as readonly string[]).includes(candidate)) {
      return candidate as DemoRpLang;
    }
  }
  for (const part of (acceptLanguage ?? '').toLowerCase().split(',')) {
    const tag = part.split(';')[0]?.trim() ?? '';
    if (tag.startsWith('az')) return 'az';
    if (tag === 'zh-hant' || tag === 'zh-tw' || tag === 'zh-hk' || tag.startsWith('zh-hant')) {
      return 'zh-Hant';
    }
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}
