-- hazard: data loss: drops columns customer.active, customer.phone
ALTER TABLE public.customer DROP COLUMN active;
ALTER TABLE public.customer DROP COLUMN phone;
ALTER TABLE public.customer ADD COLUMN fax text;
