-- hazard: data loss: drops column customer.fax
ALTER TABLE public.customer DROP COLUMN fax;
ALTER TABLE public.customer ADD COLUMN phone text;
ALTER TABLE public.customer ADD COLUMN active boolean DEFAULT true NOT NULL;
