// The service's typed errors. Each has a stable string code, listed in docs/error-codes.md.
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidPhoneNumberError extends AppError {
  constructor(phone: string) {
    super('INVALID_PHONE_NUMBER', `not an E.164 phone number: ${phone.length > 4 ? `${phone.slice(0, 3)}…` : phone}`);
  }
}

export class UnknownPreferenceKeyError extends AppError {
  constructor(key: string) {
    super('UNKNOWN_PREFERENCE_KEY', `unknown preference key: ${key.slice(0, 100)}`);
  }
}

export class InvalidPreferenceValueError extends AppError {
  constructor(key: string, reason: string) {
    super('INVALID_PREFERENCE_VALUE', `invalid value for preference ${key}: ${reason}`);
  }
}

export class UserAlreadyExistsError extends AppError {
  constructor() {
    super('USER_ALREADY_EXISTS', 'a user with this phone number already exists');
  }
}
