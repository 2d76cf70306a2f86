#!/usr/bin/env bash
# Role administration in the auth service: only admins see the members
# page; granting and revoking the organizer role changes the account, emits
# user.updated and signs the member out everywhere; nothing else can be
# changed through it (no admin role, no administrator's account).
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

AUTH_CONF=$TK_TEST_RUN_DIR/conf/auth.conf
PW=correct-horse-battery-1
DB=ticketing_auth

role_of() { sql "SELECT role FROM $DB.users WHERE email = $(sql_quote "$1")"; }
id_of() { sql "SELECT id FROM $DB.users WHERE email = $(sql_quote "$1")"; }
updates_of() {
	sql "SELECT COUNT(*) FROM $DB.outbox WHERE subject = 'ticketing.user.updated'
	     AND payload LIKE $(sql_quote "%\"aggregate_id\":\"$1\"%")"
}

ADMIN=$(fresh_email admin)
printf '%s\n' "$PW" | "$CTL" --config "$AUTH_CONF" create-user --email "$ADMIN" \
	--name "Ada Test-Admin" --role admin
check "an admin account is made with ticketingctl" same "$(role_of "$ADMIN")" admin

MEMBER=$(fresh_email member)
browser mel
req mel GET /auth/signup
post mel /auth/signup "name=<b>Mel</b> Member" "email=$MEMBER" "password=$PW" "csrf_token=$(csrf)"
check_status "a member signs up" 303
MEMBER_ID=$(id_of "$MEMBER")
MEL_SESSION=$(cookie mel tk_session)

req - GET /auth/admin/users
check_status "signed out, the members page sends to sign-in" 303
check "to the sign-in page" starts_with "$(location)" /auth/signin
req mel GET /auth/admin/users
check_status "a member gets 403 on the members page" 403
req mel GET /auth/account
post mel "/auth/admin/users/$MEMBER_ID/role" "role=organizer" "csrf_token=$(csrf)"
check_status "a member cannot change roles (403)" 403
check "and the role is unchanged" same "$(role_of "$MEMBER")" member

browser ada
signin ada "$ADMIN" "$PW"
check_status "the admin signs in" 303
req ada GET /auth/account
check "the account page links to the members page" has "$BODY" 'href="/auth/admin/users"'
req ada GET "/auth/admin/users?q=$MEMBER"
check_status "the admin sees the members page" 200
check "the page is valid HTML" valid_html
check "the member is listed" has "$BODY" "$MEMBER"
check "the member's name is escaped" has "$BODY" "&lt;b&gt;Mel&lt;/b&gt; Member"
check "with a button to make them organizer" has "$BODY" "Make organizer"
TOKEN=$(csrf)
req ada GET "/auth/admin/users?q=no-such-member-$RANDOM$RANDOM"
check "a search without match says so" has "$BODY" "No member matches that search."

post ada "/auth/admin/users/$MEMBER_ID/role" "role=organizer"
check_status "without a CSRF token: 403" 403
check "and the role is unchanged" same "$(role_of "$MEMBER")" member

before=$(updates_of "$MEMBER_ID")
post ada "/auth/admin/users/$MEMBER_ID/role" "role=organizer" "csrf_token=$TOKEN"
check_status "granting organizer answers 303" 303
check "back to the list of that member" starts_with "$(location)" "/auth/admin/users?q="
check "the member is an organizer now" same "$(role_of "$MEMBER")" organizer
check "user.updated was written to the outbox" [ "$(updates_of "$MEMBER_ID")" -gt "$before" ]
req - GET /auth/account -H "Cookie: tk_session=$MEL_SESSION"
check_status "the member's old session is signed out" 303
signin mel "$MEMBER" "$PW"
req mel GET /auth/account
check "after signing in again the member is an organizer" has "$(text)" "organizer"

req ada GET "/auth/admin/users?q=$MEMBER"
check "the list offers to revoke it now" has "$BODY" "Revoke organizer"
post ada "/auth/admin/users/$MEMBER_ID/role" "role=member" "csrf_token=$TOKEN"
check_status "revoking organizer answers 303" 303
check "the member is a member again" same "$(role_of "$MEMBER")" member

post ada "/auth/admin/users/$MEMBER_ID/role" "role=admin" "csrf_token=$TOKEN"
check_status "the admin role cannot be given on the web (400)" 400
post ada "/auth/admin/users/$MEMBER_ID/role" "role=superuser" "csrf_token=$TOKEN"
check_status "an unknown role is refused (400)" 400
post ada "/auth/admin/users/$(id_of "$ADMIN")/role" "role=member" "csrf_token=$TOKEN"
check_status "an administrator's role cannot be changed (404)" 404
check "the admin is still admin" same "$(role_of "$ADMIN")" admin
post ada "/auth/admin/users/00000000-0000-7000-8000-000000000000/role" "role=organizer" \
	"csrf_token=$TOKEN"
check_status "an unknown member answers 404" 404

finish
