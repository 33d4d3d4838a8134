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

  menu: `*Main menu*\nReply with a number:\n${MENU_LINES}\n\nReply *STATUS* to see your journeys.`,
  menuHint: `Sorry, I did not understand. Reply *1*, *2* or *3*:\n${MENU_LINES}`,

  help: [
    '*RailRepay help*',
    'We help you claim Delay Repay compensation for delayed UK rail journeys.',
    'Commands you can send at any time:',
    '*DELAY* report a delayed journey\n*STATUS* your journeys and claims\n*MENU* main menu\n*SETTINGS* your preferences\n*CANCEL* stop what you are doing\n*STOP* no more messages from us (*START* to resume)\n*DELETE MY DATA* delete your account',
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

  settings: (p: { notifications: boolean; homeStation: string | undefined; optedOut: boolean; quietHours: boolean }) =>
    [
      '*Your settings*',
      `Notifications: *${p.notifications ? 'on' : 'off'}*\nHome station: *${p.homeStation ?? 'not set'}*\nQuiet hours (21:00 to 08:00): *${p.quietHours ? 'on' : 'off'}*\nOpted out (STOP): *${p.optedOut ? 'yes' : 'no'}*`,
      `Reply:\n*1* turn notifications ${p.notifications ? 'off' : 'on'}\n*2* set your home station\n*3* turn quiet hours ${p.quietHours ? 'off' : 'on'}\n*MENU* back to the main menu`,
    ].join('\n\n'),
  settingsHint:
    'Reply *1* to switch notifications on or off, *2* to set your home station, *3* to switch quiet hours on or off, or *MENU* to go back.',
  notificationsSet: (on: boolean) =>
    `Notifications are now *${on ? 'on' : 'off'}*.\n\nReply *SETTINGS* to see your settings or *MENU* for the main menu.`,
  quietHoursSet: (on: boolean) =>
    (on
      ? 'Quiet hours are now *on*: claim updates that come between 21:00 and 08:00 wait until 08:00.'
      : 'Quiet hours are now *off*: claim updates come whenever they happen.') +
    '\n\nReply *SETTINGS* to see your settings or *MENU* for the main menu.',
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

  // Flow 6: reporting a delayed journey. Every question says what to type; every refusal says why
  // and is followed by the question again.
  reportIntro: '*Report a delayed journey*\nI will ask a few short questions. Reply *CANCEL* at any time to stop.',
  reportFromSentence: "Sorry to hear about your journey. Let's claim for it.\nReply *CANCEL* at any time to stop.",
  reportNoted: (p: { date?: string; from?: string; to?: string }) =>
    [
      'I have noted:',
      ...(p.date !== undefined ? [`Date: *${p.date}*`] : []),
      ...(p.from !== undefined ? [`From: *${p.from}*`] : []),
      ...(p.to !== undefined ? [`To: *${p.to}*`] : []),
    ].join('\n'),
  alreadyReporting: 'You are already reporting a delay. Reply *CANCEL* to start again.',
  accountFirst: (what: 'report' | 'status') =>
    `To ${what === 'report' ? 'report a delay' : 'see your journeys'} you first need a RailRepay account.`,
  verifyFirst: (what: 'report' | 'status') =>
    `To ${what === 'report' ? 'report a delay' : 'see your journeys'} you first need to verify your number.`,

  askDate: 'What was the date of your journey? Reply for example *today*, *yesterday*, *monday* or *15/11*.',
  dateFuture: 'That date is in the future. You can claim only for a journey you have already made.',
  dateTooOld: (days: number) =>
    `That is more than ${days} days ago. Delay Repay claims must be made within ${days} days of the journey.`,
  dateNotRead: 'Sorry, I could not read that as a date.',

  askStations:
    'Which stations did you travel between? Reply for example *Leeds to York*, or just the station you started from.',
  askOrigin: (destination: string) =>
    `Which station did your journey to *${destination}* start from? Reply with its name or its three-letter code.`,
  askDestination: (origin: string) =>
    `Which station did you travel to from *${origin}*? Reply with its name or its three-letter code.`,
  stationChoices: (end: 'origin' | 'destination', choices: ReadonlyArray<{ name: string; crs: string }>) =>
    [
      `Did you mean one of these as the station you ${end === 'origin' ? 'started from' : 'travelled to'}?`,
      ...choices.map((choice, i) => `*${i + 1}* ${choice.name} (${choice.crs})`),
      'Reply with the number, or type the station name again.',
    ].join('\n'),
  choiceNotInList: (count: number) =>
    `That number is not on the list. Please reply with a number from 1 to ${count}, or type the station name again.`,
  stationUnknown:
    'I could not find that station. Please check the spelling, or use its three-letter code (for example *KGX* for London Kings Cross).',
  sameStation: (station: string) =>
    `A journey cannot start and end at the same station, and *${station}* was given for both.`,

  askDeparture: 'What was the *scheduled* departure time? Reply for example *14:30* or *2:30pm*.',
  askArrival: 'What was the *scheduled* arrival time? Reply for example *16:05* or *4:05pm*.',
  notATime: 'Sorry, that is not a time I can read.',

  askTicketType: 'Was your ticket a *single* or a *return*? Reply *1* for single or *2* for return.',
  ticketTypeHint: 'Sorry, I did not understand.',

  askTicket:
    'Please send a photo or a PDF of your ticket (JPEG, PNG, WebP or PDF, up to 10 MB), or reply *SKIP* if you do not have one.',
  ticketHint: 'Please send your ticket as a photo or a PDF, or reply *SKIP* to go on without it.',
  ticketLater: 'Thank you. I will ask for your ticket at the end.',
  ticketReceived: 'Thank you, we have your ticket.',
  ticketAdded: 'Thank you, we have added that to your ticket.',
  ticketTooLarge: 'That file is larger than 10 MB, so we could not use it.',
  ticketUnsupported: 'We cannot use that type of file.',
  ticketAccepted: 'We accept a photo (JPEG, PNG or WebP) or a PDF, up to 10 MB.',
  ticketFailed: 'Sorry, we could not receive that file. Please send it again.',
  ticketNotExpected:
    'We were not expecting a file just now, so we have not kept it.\n\nReply *MENU* for the main menu.',

  summary: (p: {
    date: string;
    route: string;
    departure: string;
    arrival: string;
    journeyType: string;
    ticket: string;
  }) =>
    [
      '*Please check your journey*',
      [
        `*1* Date: ${p.date}`,
        `*2* Stations: ${p.route}`,
        `*3* Times: departs ${p.departure}, arrives ${p.arrival}`,
        `*4* Ticket type: ${p.journeyType}`,
        `*5* Ticket: ${p.ticket}`,
      ].join('\n'),
      'Reply *YES* to send it, or *EDIT* and a number to change something (for example *EDIT 2*).',
    ].join('\n\n'),
  summaryHint:
    'Reply *YES* to send your journey, *EDIT* and a number from 1 to 5 to change something, or *CANCEL* to drop it.',
  changed: 'Thank you, that is changed.',
  askEdit:
    'What would you like to change? Reply with its number:\n*1* Date\n*2* Stations\n*3* Times\n*4* Ticket type\n*5* Ticket\n\nOr reply *YES* to send it as it is.',
  editHint: 'Sorry, please reply with a number from 1 to 5.',
  submitted: (reference: string) =>
    `Thank you, your journey is reported. Your reference is *${reference}*.\n\nWe will message you about your claim. Reply *STATUS* at any time to see your journeys.`,
  reportCancelled: 'Your delay report is cancelled, and nothing from it was kept.',
  reportDropped: 'Your delay report was not sent, and nothing from it was kept.',

  // Flow 7: STATUS.
  statusList: (rows: ReadonlyArray<{ reference: string; date: string; route: string; status: string }>) =>
    [
      '*Your journeys*, newest first:',
      ...rows.map((row) => `*${row.reference}* ${row.date}\n${row.route}: *${row.status}*`),
    ].join('\n\n'),
  statusNone: 'You have not reported any journeys yet.',

  slowDown: 'You are sending messages faster than I can read them. Please wait a minute, then send your message again.',

  // Claim updates, sent when other RailRepay services report on a claim (inside WhatsApp's
  // 24-hour window; outside it, the approved template says the same in one line).
  claimEligible: (reference: string, amount: string) =>
    `Good news: your journey *${reference}* qualifies for Delay Repay of *${amount}*. We will send the claim to the train company for you.\n\nReply *STATUS* to see your journeys.`,
  claimNotEligible: (reference: string) =>
    `Your journey *${reference}* does not qualify for Delay Repay, so no claim will be made.\n\nReply *STATUS* to see your journeys, or *HELP* if you think this is wrong.`,
  claimSubmitted: (reference: string, operator: string, claimReference: string) =>
    `Your claim for journey *${reference}* has been sent to *${operator}*. Their reference is *${claimReference}*.\n\nWe will tell you when they answer.`,
  claimPaid: (reference: string, amount: string) =>
    `Your claim for journey *${reference}* has been paid: *${amount}*.\n\nReply *STATUS* to see your journeys.`,
  claimRejected: (reference: string, reason: string) =>
    `Your claim for journey *${reference}* was turned down by the train company: ${reason}\n\nReply *STATUS* to see your journeys, or *HELP* for help.`,
  statusFooter: 'To report a delayed journey, reply *DELAY*. Reply *MENU* for the main menu.',
} as const;
