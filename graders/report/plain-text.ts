// Submission output is shown inside reports: its terminal colour codes and other control
// characters would garble the layout (and XML cannot carry most of them).
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

export const plainText = (text: string): string => text.replace(ANSI, '').replace(CONTROL, '');
