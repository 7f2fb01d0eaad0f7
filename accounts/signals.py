"""What the accounts app announces to the apps above it (they connect in AppConfig.ready())."""

from django.dispatch import Signal

# An account is under attack: many failed logins from many addresses in a short time.
# Sent at most once per BULLETIN_LOGIN_ALERT_HOURS for one account, inside the transaction
# that writes its audit row; keyword arguments: user, failures, addresses, message.
# The submissions app tells the 管理员 (an in-app notification and mail).
login_attack_detected = Signal()

# A directory accepted someone whose user name here is an account of another source (a
# local account, most often); the sign-in was refused rather than the account taken over.
# Sent at most once per BULLETIN_LOGIN_ALERT_HOURS for one account; keyword arguments:
# user (the existing account), message. The 管理员 alone can resolve it (rename or switch
# off the account) and cannot read the audit log (三员), so the submissions app tells them.
directory_account_conflict = Signal()
