// A page whose component throws while it renders: the admin shows its error, not a blank screen.

export default function page(host) {
  return function BrokenPage() {
    throw new Error('the broken page fails on purpose');
  };
}
