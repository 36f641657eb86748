import type { IdCardClaim } from '@openmid/protocol/id-card/claims';
import type { Lang } from '../../ui/i18n.js';

/** ID card claim names as people read them (the wallet's consent screen and the verifier). */
export const CLAIM_LABELS: Record<Lang, Record<IdCardClaim, string>> = {
  en: {
    given_name: 'Given name',
    family_name: 'Family name',
    birthdate: 'Date of birth',
    nationality: 'Nationality',
    national_id: 'Personal identification number',
    document_number: 'Document number',
    picture: 'Photo',
    age_over_18: 'Over 18',
    age_over_21: 'Over 21',
  },
  az: {
    given_name: 'Ad',
    family_name: 'Soyad',
    birthdate: 'Doğum tarixi',
    nationality: 'Vətəndaşlıq',
    national_id: 'Fərdi identifikasiya nömrəsi',
    document_number: 'Sənədin nömrəsi',
    picture: 'Foto',
    age_over_18: '18 yaşdan yuxarı',
    age_over_21: '21 yaşdan yuxarı',
  },
  'zh-Hant': {
    given_name: '名',
    family_name: '姓',
    birthdate: '出生日期',
    nationality: '國籍',
    national_id: '個人身分號碼',
    document_number: '證件號碼',
    picture: '相片',
    age_over_18: '年滿 18 歲',
    age_over_21: '年滿 21 歲',
  },
};

export const ROLE_LABELS: Record<Lang, Record<string, string>> = {
  en: { police: 'Police', shop: 'Shop', hotel: 'Hotel' },
  az: { police: 'Polis', shop: 'Mağaza', hotel: 'Otel' },
  'zh-Hant': { police: '警察', shop: '商店', hotel: '酒店' },
};

export function roleLabel(lang: Lang, role: string): string {
  return ROLE_LABELS[lang][role] ?? role;
}
