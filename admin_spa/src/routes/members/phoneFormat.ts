/**
 * A phone as merchants read it: a mainland number without its +86 (`138****8000`, masked or not),
 * any other number in E.164 as the API gives it.
 */
export function displayPhone(phone: string): string {
  return phone.startsWith('+86') ? phone.slice(3) : phone;
}
