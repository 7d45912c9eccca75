import { CredentialsSignin } from 'next-auth';

/** Thrown from the credentials provider when the password was right but the network is not. */
export class IpDeniedSignin extends CredentialsSignin {
  code = 'ip_denied';
}
