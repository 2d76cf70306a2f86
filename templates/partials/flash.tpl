{{%AUTOESCAPE context="HTML"}}
{{! One-time message after a redirect. page.c shows section FLASH and, }}
{{! inside it, the section named after the code in the flash cookie, in }}
{{! upper case. Services declare their codes in their app_service; the }}
{{! texts live here, so any service shows a message set by another. }}
{{#FLASH}}
<div class="flash" role="status">
{{#SIGNED_UP}}<p>Welcome! Your account is ready.</p>{{/SIGNED_UP}}
{{#SIGNED_IN}}<p>You are signed in.</p>{{/SIGNED_IN}}
{{#SIGNED_OUT}}<p>You are signed out.</p>{{/SIGNED_OUT}}
{{#PASSWORD_CHANGED}}<p>Your password has been changed. Other devices are signed out.</p>{{/PASSWORD_CHANGED}}
{{#ROLE_CHANGED}}<p>The role has been changed.</p>{{/ROLE_CHANGED}}
{{#VERIFY_SENT}}<p>A new verification link is on its way to your address.</p>{{/VERIFY_SENT}}
{{#LISTING_CREATED}}<p>Your tickets are listed.</p>{{/LISTING_CREATED}}
{{#LISTING_SAVED}}<p>Your listing has been changed.</p>{{/LISTING_SAVED}}
{{#LISTING_SAVED_HELD}}<p>Your listing has been changed. More tickets are reserved or sold than the new quantity: only free tickets are removed now, and reserved ones go when their orders end.</p>{{/LISTING_SAVED_HELD}}
{{#LISTING_WITHDRAWN}}<p>Your tickets are withdrawn: nobody can reserve them any more.</p>{{/LISTING_WITHDRAWN}}
{{#LISTING_HIDDEN}}<p>The listing is hidden.</p>{{/LISTING_HIDDEN}}
{{#ORDER_RESERVED}}<p>Your tickets are reserved. Pay before the deadline to keep them.</p>{{/ORDER_RESERVED}}
{{#ETICKET_USED}}<p>The e-ticket is marked used. Check the next one.</p>{{/ETICKET_USED}}
{{#ORDER_CANCELLED}}<p>Your order is cancelled and its tickets are released.</p>{{/ORDER_CANCELLED}}
{{#ORDER_REFUND_REQUESTED}}<p>The refund is requested: the payment is returned to the buyer's card shortly.</p>{{/ORDER_REFUND_REQUESTED}}
</div>
{{/FLASH}}
