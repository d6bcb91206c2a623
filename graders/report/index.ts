// The reporters of `streamlab grade --reporter pretty|json|junit`.
export { renderJson } from './json.ts';
export { renderJunit } from './junit.ts';
export { renderPretty } from './pretty.ts';
