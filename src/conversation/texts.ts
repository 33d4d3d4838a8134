// Every user-facing message, in one place. WhatsApp plain text: *bold*, no markup beyond that;
// each message stays far below WhatsApp's 1,600-character limit (a test checks every one).
export const TERMS_URL = 'https://railrepay.co.uk/terms';
export const PRIVACY_URL = 'https://railrepay.co.uk/privacy';

const MENU_LINES = ['*1* Report a delay', '*2* Settings', '*3* Help'].join('\n');

export const texts = {
  welcome: [
    'Welcome to *RailRepay*.',
    'We help you claim Delay Repay compensation when your UK rail journey is delayed.',
    `Terms: ${TERMS_URL}`,
    `Privacy notice: ${PRIVACY_URL}`,
    'Reply *YES* to agree and continue, or *NO* to leave.',
  ].join('\n\n'),
  consentHint: 'Please reply *YES* to agree to the terms and continue, or *NO* to leave.',
  goodbyeNoConsent: 'No problem. We have not stored anything about you. Message us any time if you change your mind.',

  // Channel-neutral: TWILIO_VERIFY_CHANNEL may be sms, whatsapp or call. While a verification is
  // pending, Twilio sends the same code again on RESEND, so only a used-up or expired code gets
  // "a new code".
  codeSent: 'We have sent a *6-digit code* to your number. Please type it here.',
  codeResent: (left: number) =>
    `We have sent the code again. You have *${left}* ${left === 1 ? 'try' : 'tries'} left. Please type it here.`,
  tooManySends:
    'We have already sent your code several times. Please type the code we sent you, or wait up to 10 minutes, then reply *RESEND* for a new one.',
  sendFailed: 'Sorry, we could not send a code just now. Please reply *RESEND* to try again.',
  codeHint: 'Please type the 6-digit code we sent you, or reply *RESEND* to have it sent again.',
  codeFormatHint:
    'The code is 6 digits, for example 123456. Please type just those 6 digits, or reply *RESEND* to have the code sent again.',
  unverifiedReturning: 'Welcome back. Your number is not verified yet. Reply *RESEND* and we will send you a code.',
  wrongCode: (left: number) =>
    `That code is not right. You have *${left}* ${left === 1 ? 'try' : 'tries'} left. Please try again, or reply *RESEND* to have the code sent again.`,
  // Also after 60202, when Twilio refused to look at the code: "did not work" is true of both.
  noChecksLeft: 'That code did not work, and there are no tries left for it. Reply *RESEND* to get a new code.',
  triesUsedUp: 'There are no tries left for this code. Reply *RESEND* to get a new code.',
  codeExpired: 'That code has expired or was already used. Reply *RESEND* to get a new code.',
  resendWait: (seconds: number) =>
    `Please wait *${seconds}* ${seconds === 1 ? 'second' : 'seconds'} before asking again, then reply *RESEND*.`,
  verified: 'Thank you, your number is verified.',
  needsVerification:
    'Please verify your number first: type the code we sent you, or reply *RESEND* to have it sent again.',
  somethingWentWrong:
    'Sorry, something went wrong on our side and we could not answer your last message. Please send it again in a few minutes.',

  menu: `*Main menu*\nReply with a number:\n${MENU_LINES}`,
  menuHint: `Sorry, I did not understand. Reply *1*, *2* or *3*:\n${MENU_LINES}`,
  reportComingSoon:
    'Reporting a delayed journey is *coming soon*. We will let you know when it is ready.\n\nReply *MENU* for the main menu.',

  help: [
    '*RailRepay help*',
    'We help you claim Delay Repay compensation for delayed UK rail journeys.',
    'Commands you can send at any time:',
    '*MENU* main menu\n*SETTINGS* your preferences\n*CANCEL* stop what you are doing\n*STOP* no more messages from us (*START* to resume)\n*DELETE MY DATA* delete your account',
    `Terms: ${TERMS_URL}\nPrivacy notice: ${PRIVACY_URL}`,
  ].join('\n\n'),
  helpNoAccount: [
    '*RailRepay help*',
    'We help you claim Delay Repay compensation for delayed UK rail journeys.',
    `Terms: ${TERMS_URL}\nPrivacy notice: ${PRIVACY_URL}`,
    'Reply *YES* to agree and get started, or *NO* to leave.',
  ].join('\n\n'),
  needsAccount: 'You do not have a RailRepay account yet. Reply *YES* to agree to the terms and get started.',
  cancelled: 'Cancelled. Your account is kept.',
  nothingToCancel: 'There is nothing to cancel.',

  stopped: 'You will get no more updates from us. Reply *START* at any time to turn them back on.',
  stoppedNoAccount: 'We hold no data about this number and will not message you. Reply *START* if you want to begin.',
  started: 'Welcome back: updates from us are turned on again. Reply *STOP* at any time to turn them off.',

  confirmDelete:
    'This deletes your RailRepay account and preferences. It cannot be undone.\n\nReply *DELETE* to confirm, or anything else to keep your data.',
  deleted: 'Your data has been deleted. Goodbye. You can message us again at any time to start afresh.',
  deleteCancelled: 'Your data has *not* been deleted.',
  noDataToDelete: 'We hold no data about this number, so there is nothing to delete.',

  settings: (p: { notifications: boolean; homeStation: string | undefined; optedOut: boolean }) =>
    [
      '*Your settings*',
      `Notifications: *${p.notifications ? 'on' : 'off'}*\nHome station: *${p.homeStation ?? 'not set'}*\nOpted out (STOP): *${p.optedOut ? 'yes' : 'no'}*`,
      `Reply:\n*1* turn notifications ${p.notifications ? 'off' : 'on'}\n*2* set your home station\n*MENU* back to the main menu`,
    ].join('\n\n'),
  settingsHint: 'Reply *1* to switch notifications on or off, *2* to set your home station, or *MENU* to go back.',
  notificationsSet: (on: boolean) =>
    `Notifications are now *${on ? 'on' : 'off'}*.\n\nReply *SETTINGS* to see your settings or *MENU* for the main menu.`,
  askHomeStation: 'Which is your home station? Reply with its three-letter code (for example *KGX*) or its name.',
  homeStationUnknown:
    'I could not find that station. Please reply with its name (for example *Leeds*) or its three-letter code (for example *KGX*).',
  homeStationChoices: (choices: ReadonlyArray<{ name: string; crs: string }>) =>
    [
      'Did you mean:',
      ...choices.map((choice, i) => `*${i + 1}* ${choice.name} (${choice.crs})`),
      'Reply with the number, or type the station name again.',
    ].join('\n'),
  homeStationSet: (name: string, crs: string) =>
    `Your home station is now *${name} (${crs})*.\n\nReply *SETTINGS* to see your settings or *MENU* for the main menu.`,
} as const;
