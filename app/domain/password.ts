/**
 * Password policy: at least 10 characters, not a commonly used password, not the username.
 * The list is short on purpose (the most used passwords and their Chinese-keyboard favourites);
 * length does most of the work.
 */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 128;

const COMMON = [
  "1234567890",
  "12345678910",
  "123456789a",
  "a123456789",
  "1234567890a",
  "0123456789",
  "9876543210",
  "1111111111",
  "0000000000",
  "1234512345",
  "1122334455",
  "1qaz2wsx3edc",
  "qwertyuiop",
  "qwertyuiop123",
  "qwerty12345",
  "qwerty123456",
  "asdfghjkl1",
  "zxcvbnm123",
  "password12",
  "password123",
  "password1234",
  "passw0rd123",
  "p@ssw0rd123",
  "p@ssword123",
  "admin12345",
  "admin123456",
  "administrator",
  "iloveyou123",
  "woaini1314",
  "woaini520",
  "5201314520",
  "1314520520",
  "aa123456789",
  "abc1234567",
  "abcd123456",
  "abcdefghij",
  "a1b2c3d4e5",
  "1q2w3e4r5t",
  "1q2w3e4r5t6y",
  "qazwsxedc123",
  "zaq12wsxcde3",
  "welcome123",
  "letmein123",
  "changeme123",
  "demo-password",
  "demopassword",
  "test123456",
  "testtest12",
  "dinghai123",
  "zhoushan123",
  "zhoushan2023",
  "dinghai2023",
  "registry123",
  "88888888888",
  "66666666666",
  "1234567890123",
  "147258369a",
  "147258369",
  "159357456",
  "123123123a",
  "123qweasd1",
  "qweasdzxc1",
  "qweasdzxc123",
  "football123",
  "sunshine123",
  "princess123",
  "baseball123",
  "dragon1234",
  "monkey12345",
  "shadow1234",
  "master12345",
  "superman123",
  "trustno1234",
  "11223344556",
  "98765432100",
  "1234554321",
];
const COMMON_SET = new Set(COMMON.map((p) => p.toLowerCase()));

export type PasswordProblem = "too-short" | "too-long" | "common" | "contains-username";

export const PASSWORD_MESSAGES: Record<PasswordProblem, { zh: string; en: string }> = {
  "too-short": { zh: `密码至少需要 ${MIN_PASSWORD_LENGTH} 个字符。`, en: `Use at least ${MIN_PASSWORD_LENGTH} characters.` },
  "too-long": { zh: `密码不能超过 ${MAX_PASSWORD_LENGTH} 个字符。`, en: `Use at most ${MAX_PASSWORD_LENGTH} characters.` },
  common: { zh: "这是常见密码，很容易被猜到，请换一个。", en: "This is a commonly used password; choose another." },
  "contains-username": { zh: "密码不能包含用户名。", en: "The password must not contain the username." },
};

export function checkPassword(password: string, username = ""): PasswordProblem | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return "too-short";
  if ([...password].length > MAX_PASSWORD_LENGTH) return "too-long";
  if (COMMON_SET.has(password.toLowerCase())) return "common";
  const name = username.trim().toLowerCase();
  if (name.length >= 3 && password.toLowerCase().includes(name)) return "contains-username";
  return null;
}
